package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedstream.node.spi.Interceptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeSpecTest {

  @Test
  void holdsIdGroupsRolesRelationshipsAndAttributes() {
    Interceptor i = Interceptor.Chain::message;
    NodeSpec s = NodeSpec.builder("alice").groups("all", "clients").roles("provider", "consumer")
        .relationship("providers", "bob/provider", "carol/provider").relationship("providers", "dave/provider")
        .attribute("site", "lyon").interceptor(i).build();
    assertEquals("alice", s.id());
    assertEquals(List.of("all", "clients"), List.copyOf(s.groups()));
    assertEquals(Set.of("provider", "consumer"), s.roles());
    assertEquals(Map.of("providers", Set.of("bob/provider", "carol/provider", "dave/provider")), s.relationships());
    assertEquals(Map.of("site", "lyon"), s.attributes());
    assertEquals(List.of(i), s.interceptors());
    assertThrows(UnsupportedOperationException.class, () -> s.relationships().get("providers").add("x"));
    assertThrows(UnsupportedOperationException.class, () -> s.roles().add("x"));
    assertEquals(s, s.toBuilder().build());
  }

  @Test
  void withRelationshipsReplacesThemAndKeepsTheRest() {
    NodeSpec s = NodeSpec.builder("a").roles("r").relationship("x", "b/r").build();
    NodeSpec t = s.withRelationships(Map.of("y", List.of("c/r")));
    assertEquals(Map.of("y", Set.of("c/r")), t.relationships());
    assertEquals(Set.of("r"), t.roles());
    assertEquals(Map.of("x", Set.of("b/r")), s.relationships());
  }

  @Test
  void rejectsBadIdsAndBlankNames() {
    assertThrows(IllegalArgumentException.class, () -> NodeSpec.builder("a b"));
    assertThrows(IllegalArgumentException.class, () -> NodeSpec.builder(null));
    assertThrows(IllegalArgumentException.class, () -> NodeSpec.builder("a").role(" "));
    assertThrows(IllegalArgumentException.class, () -> NodeSpec.builder("a").relationship("x", ""));
    assertThrows(IllegalArgumentException.class, () -> NodeSpec.builder("a").group(""));
  }
}
