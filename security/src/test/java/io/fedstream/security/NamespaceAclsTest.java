package io.fedstream.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.schemas.Topics;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class NamespaceAclsTest {

  private static final List<String> SITES = List.of("c", "a", "b", "x");
  private static final Set<AclBinding> ALL = NamespaceAcls.desired("ns", SITES, List.of(
      new NamespaceAcls.Project("p", "c", Set.of("a", "b")), new NamespaceAcls.Project("q", "x", Set.of())));

  private static Set<String> topics(String site, AclOperation op) {
    return NamespaceAcls.of(ALL, "User:" + site).stream()
        .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC && b.entry().operation() == op)
        .map(b -> b.pattern().name()).collect(Collectors.toSet());
  }

  @Test
  void aParticipantReadsItsOwnTopicsAndItsProjectsOnly() {
    assertEquals(Set.of("ns.site.a.inbox", "ns.site.a.status", "ns.site.a.logs", "ns.site.a.mail", "ns.sites",
        "ns.projects", "ns.runs", "ns.project.p.broadcast", "ns.project.p.events"), topics("a", AclOperation.READ));
    assertEquals(Set.of("ns.site.a.commands", "ns.dlq", "ns.site.c.mail"), topics("a", AclOperation.WRITE));
  }

  @Test
  void theCoordinatorAlsoReadsItsParticipantsStatusAndLogs() {
    Set<String> read = topics("c", AclOperation.READ);
    assertTrue(read.containsAll(Set.of("ns.site.a.status", "ns.site.a.logs", "ns.site.b.status", "ns.site.b.logs")));
    assertFalse(read.contains("ns.site.a.mail"), "a coordinator does not read its participants' mail");
    assertEquals(Set.of("ns.site.c.commands", "ns.dlq", "ns.project.p.broadcast", "ns.site.a.mail", "ns.site.b.mail"),
        topics("c", AclOperation.WRITE));
    assertTrue(topics("x", AclOperation.READ).stream().noneMatch(t -> t.contains(".site.a.") || t.contains("project.p")));
  }

  @Test
  void everyGrantIsLiteralButTheSitesOwnGroupPrefix() {
    for (AclBinding b : ALL) {
      if (b.pattern().resourceType() == ResourceType.GROUP) {
        assertEquals(PatternType.PREFIXED, b.pattern().patternType());
        String site = b.entry().principal().substring("User:".length());
        assertEquals(Topics.requireName("ns", "ns") + ".site." + site + ".", b.pattern().name());
      } else {
        assertEquals(PatternType.LITERAL, b.pattern().patternType(), b.toString());
      }
    }
  }
}
