package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Numbers written by other languages' Avro libraries: a whole double reads as a long, nothing unsafe does. */
class LenientArgsTest {

  private static Message with(Object v) {
    return Message.builder().tag("t").arg("x", v).build();
  }

  @Test
  void aWholeDoubleReadsAsALong() {
    assertEquals(7L, with(7L).argLong("x"));
    assertEquals(7L, with(7.0).argLong("x"));
    assertEquals(-3L, with(-3.0).argLong("x"));
  }

  @Test
  void aFractionAHugeDoubleAStringOrNothingIsACallerErrorNamingTheArgument() {
    for (Object bad : new Object[] {7.5, 1e300, Double.NaN, "7"}) {
      NodeException e = assertThrows(NodeException.class, () -> with(bad).argLong("x"));
      assertEquals(ErrorCode.CALLER, e.errorCode());
      assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }
    assertThrows(NodeException.CallerException.class, () -> Message.builder().tag("t").build().argLong("x"));
  }

  @Test
  void aLongWidensToADouble() {
    assertEquals(2.0, with(2L).argDouble("x"));
    assertEquals(2.5, with(2.5).argDouble("x"));
    assertThrows(NodeException.CallerException.class, () -> with("2").argDouble("x"));
  }
}
