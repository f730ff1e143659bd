package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.node.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireTest {

  @Test
  void theCallMarkerTravelsAsAnAttributeButIsNeverUserVisible() {
    Message.Builder b = Message.builder().tag("t").to("b").attribute("app", "1");
    Wire.call(Wire.kind(Wire.source(b, "a"), Message.Kind.REQUEST), true);
    Message m = b.build();
    assertEquals(Map.of("app", "1"), m.attributes());
    Envelope e = EnvelopeCodec.toEnvelope(m, List.of());
    assertEquals("1", e.getAttributes().get(Wire.CALL_ATTRIBUTE));
    Message back = EnvelopeCodec.toMessage(e, List.of(), null);
    assertTrue(Wire.isCall(back));
    assertEquals(Map.of("app", "1"), back.attributes());
    assertEquals("a", back.source());
    assertEquals(Message.Kind.REQUEST, back.kind());
    assertTrue(Wire.isCall(back.toBuilder().build()), "toBuilder keeps the marker");
    assertFalse(Wire.isCall(Message.builder().tag("t").build()));
  }

  @Test
  void routerAttributesStayReadable() {
    Envelope e = EnvelopeCodec.toEnvelope(WireBuilder.of(Message.builder()).tag("ch").source("x")
        .kind(Message.Kind.EVENT).attribute("fedstream.instance", "x/r").build(), List.of());
    Message back = EnvelopeCodec.toMessage(e, List.of(), null);
    assertEquals("x/r", back.attributes().get("fedstream.instance"));
    assertEquals("x/r", back.toBuilder().build().attributes().get("fedstream.instance"));
  }
}
