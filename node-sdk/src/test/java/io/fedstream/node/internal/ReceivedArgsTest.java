package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Value;
import io.fedstream.node.Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Args of a received message: copied once from the Avro tree, immutable, sharing nothing with it. */
class ReceivedArgsTest {

  private static Envelope sent() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("x", "y");
    inner.put("none", null);
    Message m = WireBuilder.of(Message.builder()).tag("t").to("b").source("a").kind(Message.Kind.MESSAGE).build()
        .toBuilder()
        .arg("list", Arrays.asList(1, Arrays.asList(2L, 3.5), null))
        .arg("map", Map.of("k", inner))
        .arg("bytes", new byte[] {1, 2, 3})
        .arg("n", 7)
        .build();
    try { // through Avro's binary form, as a record arrives
      return Envelope.fromByteBuffer(EnvelopeCodec.toEnvelope(m, List.of()).toByteBuffer());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void receivedArgsAreTheSentValuesInTheBuildersForm() {
    Message got = EnvelopeCodec.toMessage(sent(), List.of(), null);
    assertEquals(Arrays.asList(1L, List.of(2L, 3.5), null), got.arg("list"));
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("x", "y");
    inner.put("none", null);
    assertEquals(Map.of("k", inner), got.arg("map"));
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) got.arg("bytes"));
    assertEquals(7L, got.arg("n"));
    assertEquals(String.class, ((Map<?, ?>) ((Map<?, ?>) got.arg("map")).get("k")).get("x").getClass(),
        "strings, not Avro's Utf8");
  }

  @Test
  void receivedArgsCannotBeChangedAtAnyLevel() {
    Message got = EnvelopeCodec.toMessage(sent(), List.of(), null);
    assertThrows(UnsupportedOperationException.class, () -> got.args().put("new", 1L));
    List<?> list = (List<?>) got.arg("list");
    assertThrows(UnsupportedOperationException.class, () -> list.remove(0));
    assertThrows(UnsupportedOperationException.class, () -> ((List<?>) list.get(1)).clear());
    Map<?, ?> map = (Map<?, ?>) got.arg("map");
    assertThrows(UnsupportedOperationException.class, map::clear);
    assertThrows(UnsupportedOperationException.class, () -> ((Map<?, ?>) map.get("k")).remove("x"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void receivedArgsShareNothingWithTheDecodedEnvelope() {
    Envelope e = sent();
    Message got = EnvelopeCodec.toMessage(e, List.of(), null);
    ByteBuffer wire = (ByteBuffer) e.getArgs().get("bytes").getV();
    assertNotSame(wire.array(), got.arg("bytes"));
    // change the Avro tree after the message was made: the message keeps what was received
    wire.put(wire.position(), (byte) 9);
    ((List<Value>) e.getArgs().get("list").getV()).clear();
    Map<Object, Value> inner = (Map<Object, Value>) ((Map<Object, Value>) e.getArgs().get("map").getV()).get("k").getV();
    inner.clear();
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) got.arg("bytes"));
    assertEquals(3, ((List<?>) got.arg("list")).size());
    assertEquals("y", ((Map<?, ?>) ((Map<?, ?>) got.arg("map")).get("k")).get("x"));
  }

  @Test
  void aReceivedMessageRebuiltKeepsItsArgsAndItsCopyIsIndependent() {
    Message got = EnvelopeCodec.toMessage(sent(), List.of(), null);
    Message changed = got.toBuilder().arg("n", 8).removeArg("list").build();
    assertEquals(7L, got.arg("n"));
    assertEquals(3, ((List<?>) got.arg("list")).size());
    assertEquals(8L, changed.arg("n"));
    assertNull(changed.arg("list"));
    assertEquals(got.arg("map"), changed.arg("map"));
    List<Object> fresh = new ArrayList<>((List<?>) got.arg("list"));
    fresh.add("more");
    assertEquals(3, ((List<?>) got.arg("list")).size());
  }
}
