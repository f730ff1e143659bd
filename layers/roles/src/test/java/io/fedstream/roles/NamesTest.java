package io.fedstream.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The naming rule: underscores and camelCase boundaries become hyphens, everywhere. */
class NamesTest {

  @Test
  void underscoresAndCamelCaseBecomeHyphens() {
    assertEquals("heavy-job", Names.of("heavy_job"));
    assertEquals("heavy-job", Names.of("heavy-job"));
    assertEquals("heavy-job", Names.of("heavyJob"));
    assertEquals("my-event", Names.of("my_event"));
    assertEquals("my-event", Names.of("myEvent"));
    assertEquals("service-provider", Names.of("service_provider"));
    assertEquals("xml-parser", Names.of("XMLParser"));
    assertEquals("step2-done", Names.of("step2Done"));
    assertEquals("echo", Names.of("echo"));
  }

  @Test
  void badNamesAreRefusedWithTheReason() {
    assertThrows(IllegalArgumentException.class, () -> Names.of(" "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Names.of("a.b"));
    assertEquals(true, e.getMessage().contains("a.b"));
    assertThrows(IllegalArgumentException.class, () -> Names.of("-x"));
  }

  @Test
  void roleInstanceIdsParseAndNormaliseTheRole() {
    RoleInstanceId id = RoleInstanceId.of("alice/service_provider");
    assertEquals("alice", id.node());
    assertEquals("service-provider", id.role());
    assertEquals("alice/service-provider", id.toString());
    assertEquals(id, new RoleInstanceId("alice", "serviceProvider"));
    assertThrows(IllegalArgumentException.class, () -> RoleInstanceId.of("alice"));
    assertThrows(IllegalArgumentException.class, () -> RoleInstanceId.of("/p"));
    assertThrows(IllegalArgumentException.class, () -> RoleInstanceId.of("alice/"));
  }
}
