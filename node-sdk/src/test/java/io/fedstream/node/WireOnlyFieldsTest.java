package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@SuppressWarnings("removal")
class WireOnlyFieldsTest {

  @Test
  void theBuilderRefusesTheFieldsTheNodeOwnsWithACallerCode() {
    Message.Builder b = Message.builder().tag("t");
    List<Runnable> calls = List.of(() -> b.kind(Message.Kind.REPLY), () -> b.source("someone"),
        () -> b.inReplyTo("r1"), () -> b.createdAt(Instant.EPOCH));
    for (Runnable call : calls) {
      NodeException e = assertThrows(NodeException.class, call::run);
      assertEquals(ErrorCode.CALLER, e.errorCode());
    }
    Message m = b.build();
    assertEquals(Message.Kind.MESSAGE, m.kind());
    assertEquals(null, m.source());
    assertTrue(m.inReplyTo().isEmpty());
  }

  @Test
  void fedstreamAttributesAreReserved() {
    NodeException e = assertThrows(NodeException.class,
        () -> Message.builder().tag("t").attribute("fedstream.call", "1"));
    assertEquals(ErrorCode.CALLER, e.errorCode());
    assertThrows(NodeException.class, () -> Message.builder().tag("t").removeAttribute("fedstream.role"));
    Message m = Message.builder().tag("t").attribute("fedstreamish", "ok").attribute("app.x", "1").build();
    assertEquals(Map.of("fedstreamish", "ok", "app.x", "1"), m.attributes());
  }

  @Test
  void argsPayloadsAndAttributesCanBeRemoved() {
    Message m = Message.builder().tag("t").arg("a", 1).arg("b", 2).attribute("x", "1")
        .payload(Payload.ofBytes("p", new byte[] {1})).payload(Payload.ofBytes("q", new byte[] {2})).build();
    Message n = m.toBuilder().removeArg("a").removeAttribute("x").removePayload("p").build();
    assertEquals(Map.of("b", 2L), n.args());
    assertTrue(n.attributes().isEmpty());
    assertEquals(List.of("q"), n.payloads().stream().map(Payload::name).toList());
    assertFalse(m.toBuilder().clearArgs().build().args().containsKey("b"));
  }
}
