package io.fedstream.router.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.ChunkDescriptor;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.ErrorInfo;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Payload;
import io.fedstream.avro.SessionType;
import io.fedstream.avro.TraceContext;
import io.fedstream.avro.Transfer;
import io.fedstream.avro.Value;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.Registry;
import io.fedstream.testkit.RegistryExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The event fast path: scan and splice against envelopes encoded through the real registry. */
@ExtendWith(RegistryExtension.class)
class EnvelopeScanTest {

  final String ns = "scan-" + UUID.randomUUID().toString().substring(0, 8);
  final String events = ns + ".events.r";
  final String mailbox = ns + ".mailbox";
  WireCodec codec;
  AvroWire<Envelope> wire;

  @BeforeEach
  void start(Registry registry) {
    codec = new WireCodec(registry.url());
    wire = AvroWire.of(Envelope.class, SchemaRegistryClient.create(registry.url()));
  }

  static Envelope full() {
    Map<String, Value> nested = new HashMap<>();
    nested.put("x", new Value(List.of(new Value(1L), new Value("two"), new Value(null))));
    Map<String, Value> args = new LinkedHashMap<>();
    args.put("i", new Value(42L));
    args.put("loss", new Value(0.25));
    args.put("ok", new Value(true));
    args.put("name", new Value("héllo"));
    args.put("blob", new Value(ByteBuffer.wrap(new byte[] {1, 2, 3})));
    args.put("nested", new Value(nested));
    Map<String, String> attributes = new HashMap<>();
    attributes.put("round", "7");
    attributes.put("fedstream.role", "spoofed");
    return Envelope.newBuilder()
        .setMessageId(UUID.randomUUID().toString()).setSessionId("s").setSessionType(SessionType.TASK)
        .setKind(Kind.EVENT).setTag("ch_one").setSource("inst-1").setDestination("old-dest")
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .setDeadline(Instant.ofEpochMilli(1_700_000_100_000L)).setInReplyTo("r").setReplyTo("rt")
        .setArgs(args)
        .setPayloads(new ArrayList<>(List.of(Payload.newBuilder().setName("p").setSchemaId(3)
            .setData(ByteBuffer.wrap("data".getBytes(StandardCharsets.UTF_8)))
            .setTransfer(Transfer.newBuilder().setTransferId("t").setTotalSize(10).setChunkSize(5)
                .setChunkCount(2).setSha256(ByteBuffer.wrap(new byte[32])).build())
            .build())))
        .setError(ErrorInfo.newBuilder().setCode(ErrorCode.DECODE).setReason("why")
            .setDetails(new HashMap<>(Map.of("k", "v"))).build())
        .setChunk(ChunkDescriptor.newBuilder().setTransferId("t").setPayloadName("p").setIndex(0)
            .setCount(2).setOffset(0).setTotalSize(10).setSha256(ByteBuffer.wrap(new byte[32])).build())
        .setTrace(TraceContext.newBuilder().setTraceparent("00-abc").setTracestate(null).build())
        .setAttributes(attributes)
        .build();
  }

  @Test
  void scanReadsTheRoutingFieldsOfARegistryEncodedEnvelope() {
    Envelope e = full();
    byte[] bytes = wire.encode(events, e);
    Schema writer = codec.writerSchema(events, bytes, Envelope.class);
    assertTrue(EnvelopeSplice.sameLayout(writer), "the registry gives back the compiled layout");
    EnvelopeScan.Head h = EnvelopeScan.scan(writer, bytes, 5);
    assertEquals(e.getMessageId(), h.messageId());
    assertEquals("EVENT", h.kind());
    assertEquals("ch_one", h.tag());
    assertEquals("inst-1", h.source());
    assertEquals(e.getArgs(), EnvelopeSplice.args(bytes, h));
    assertEquals(e.getAttributes(), EnvelopeSplice.attributes(bytes, h));
    assertFalse(EnvelopeSplice.noAttributes(bytes, h));
    assertEquals(bytes.length, h.attributesEnd(), "attributes is the last field");
  }

  @Test
  void aSplicedDeliveryDecodesAsTheEventWithItsNewDestinationAndAttributes() {
    for (Envelope e : List.of(full(), Envelope.newBuilder(full()).setDestination(null)
        .setAttributes(new HashMap<>()).setArgs(new HashMap<>()).setPayloads(new ArrayList<>())
        .setError(null).setChunk(null).setTrace(null).build())) {
      byte[] bytes = wire.encode(events, e);
      EnvelopeScan.Head h = EnvelopeScan.scan(codec.writerSchema(events, bytes, Envelope.class), bytes, 5);
      // as the channel router does: the event's attributes, the router's put over them
      Map<String, String> attributes = new HashMap<>(
          EnvelopeSplice.noAttributes(bytes, h) ? Map.of() : EnvelopeSplice.attributes(bytes, h));
      attributes.putAll(Map.of("fedstream.role", "r", "fedstream.subscriptions", "a,b", "ü", "ß"));
      byte[] header = codec.header(mailbox, Envelope.class);
      byte[] delivery = EnvelopeSplice.delivery(header, bytes, h, "node-ä", attributes);

      Envelope expected = Envelope.newBuilder(e).setDestination("node-ä").setAttributes(attributes).build();
      assertEquals(expected, wire.decode(mailbox, delivery));
      assertEquals(wire.encode(mailbox, expected).length, delivery.length,
          "same size as an encode of the same envelope");
      assertArrayEquals(java.util.Arrays.copyOf(header, 5), java.util.Arrays.copyOf(delivery, 5),
          "the mailbox's wire header");
    }
  }

  @Test
  void garbageAfterAValidHeaderIsRefusedAsAFullDecodeRefusesIt() {
    byte[] good = wire.encode(events, full());
    Schema writer = codec.writerSchema(events, good, Envelope.class);
    // truncated, one byte too many, and a union branch out of range (destination: index 5)
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThrows(IllegalArgumentException.class, () -> EnvelopeScan.scan(writer, truncated, 5));
    assertThrows(IllegalArgumentException.class, () -> EnvelopeScan.scan(writer, longer, 5));
    EnvelopeScan.Head h = EnvelopeScan.scan(writer, good, 5);
    byte[] badUnion = good.clone();
    badUnion[h.destinationStart()] = 10;
    assertThrows(IllegalArgumentException.class, () -> EnvelopeScan.scan(writer, badUnion, 5));
    assertThrows(RuntimeException.class, () -> wire.decode(events, badUnion));
    byte[] badKind = wire.encode(events, Envelope.newBuilder(full()).setMessageId("m").setSessionId("s").build());
    // messageId "m" (2 bytes), sessionId "s" (2 bytes), sessionType (1 byte): kind is byte 5 + 5
    assertEquals(6, badKind[10], "kind EVENT is symbol 3, zigzag 6");
    badKind[10] = 40;
    assertThrows(IllegalArgumentException.class, () -> EnvelopeScan.scan(writer, badKind, 5));
    assertThrows(RuntimeException.class, () -> wire.decode(events, badKind));
  }

  @Test
  void onRandomlyDamagedEnvelopesTheScanAgreesWithAFullDecode() {
    byte[] good = wire.encode(events, full());
    Schema writer = codec.writerSchema(events, good, Envelope.class);
    Random random = new Random(7);
    int refused = 0;
    for (int n = 0; n < 5_000; n++) {
      byte[] b = good.clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        b[5 + random.nextInt(b.length - 5)] = (byte) random.nextInt(256);
      }
      if (random.nextInt(4) == 0) {
        b = java.util.Arrays.copyOf(b, 5 + random.nextInt(b.length - 5));
      }
      boolean decodes;
      try {
        wire.decode(events, b);
        decodes = true;
      } catch (RuntimeException e) {
        decodes = false;
      }
      String scanned;
      try {
        EnvelopeScan.scan(writer, b, 5);
        scanned = null;
      } catch (IllegalArgumentException e) {
        scanned = e.getMessage();
      }
      assertEquals(decodes, scanned == null, "scan and decode disagree on case " + n + ": " + scanned);
      refused += decodes ? 0 : 1;
    }
    assertTrue(refused > 1_000, "the damage was real: " + refused + " refused");
  }
}
