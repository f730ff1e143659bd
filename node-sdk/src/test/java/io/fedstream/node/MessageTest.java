package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTest {

  @Test
  void tagIsRequiredAndTheErrorSaysHowToFix() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Message.builder().build());
    assertTrue(e.getMessage().contains("tag(\""), e.getMessage());
  }

  @Test
  void argsAreNormalisedAndImmutable() {
    List<Object> list = new ArrayList<>(List.of(1, 2.5f));
    byte[] raw = {1, 2};
    Message m = Message.builder().tag("t").arg("i", 7).arg("l", list).arg("b", raw)
        .arg("m", Map.of("k", List.of(true))).arg("n", null).build();
    list.add(3);
    raw[0] = 9;
    assertEquals(7L, m.arg("i"));
    assertEquals(List.of(1L, 2.5d), m.arg("l"));
    assertArrayEquals(new byte[] {1, 2}, (byte[]) m.arg("b"));
    assertEquals(Map.of("k", List.of(true)), m.arg("m"));
    assertTrue(m.args().containsKey("n"));
    assertThrows(UnsupportedOperationException.class, () -> m.args().put("x", 1L));
  }

  @Test
  void nonJsonArgIsRejectedWithTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Message.builder().tag("t").arg("when", new Object()));
    assertTrue(e.getMessage().contains("'when'") && e.getMessage().contains("payload"), e.getMessage());
  }

  @Test
  void payloadNamesAreUniqueAndBytesAreCopied() {
    byte[] raw = {5};
    Payload p = Payload.ofBytes("w", raw);
    raw[0] = 6;
    assertArrayEquals(new byte[] {5}, p.bytes());
    assertThrows(IllegalArgumentException.class,
        () -> Message.builder().tag("t").payload(p).payload(Payload.ofBytes("w", new byte[0])).build());
  }

  @Test
  void idsAreGeneratedAndToBuilderKeepsThem() {
    Message a = Message.builder().tag("t").build();
    Message b = Message.builder().tag("t").build();
    assertNotEquals(a.id(), b.id());
    assertNotEquals(a.sessionId(), b.sessionId());
    assertEquals(a.id(), a.toBuilder().build().id());
    assertEquals(Message.SessionType.NOTIFICATION, a.sessionType());
  }

  @Test
  void everyErrorCodeHasHelpAndMapsToTheRightException() {
    for (ErrorCode c : ErrorCode.values()) {
      assertTrue(c.help().length() > 10, c.name());
      assertEquals(c, NodeException.of(c, "r").errorCode());
      assertEquals(c.name(), NodeException.of(c, "r").code());
    }
    assertTrue(NodeException.of(ErrorCode.TIMEOUT, "r") instanceof NodeException.DeadlineExceededException);
    for (io.fedstream.avro.ErrorCode c : io.fedstream.avro.ErrorCode.values()) {
      assertEquals(c.name(), ErrorCode.valueOf(c.name()).name(), "the SDK's codes mirror the envelope's");
    }
  }

  @Test
  void gatherPolicyValidates() {
    assertThrows(IllegalArgumentException.class, () -> GatherPolicy.builder().atLeast(2).fraction(0.5).build());
    assertThrows(IllegalArgumentException.class, () -> GatherPolicy.builder().fraction(1.5).build());
    assertThrows(IllegalArgumentException.class, () -> GatherPolicy.builder().retry(0).build());
    assertEquals(3, GatherPolicy.fraction(0.6).required(5));
    assertEquals(5, GatherPolicy.all().required(5));
    assertEquals(2, GatherPolicy.atLeast(2).required(5));
  }
}
