package io.fedstream.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Value;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.schemas.wire.SchemaRegistryException;
import io.fedstream.schemas.wire.WireFormatException;
import io.fedstream.schemas.wire.WireFormatException.Problem;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RegistryExtension.class)
class AvroWireIT {

  static Envelope envelope() {
    return Envelope.newBuilder()
        .setMessageId("m1").setSessionId("s1").setKind(Kind.MESSAGE).setTag("update")
        .setSource("worker-1").setDestination("master")
        .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .setArgs(Map.of("round", new Value(3L), "loss", new Value(0.25),
            "tags", new Value(List.of(new Value("a"), new Value(true)))))
        .build();
  }

  @Test
  void roundTripsOnTheConfluentWireFormat(Registry registry) {
    SchemaRegistryClient client = SchemaRegistryClient.create(registry.url());
    AvroWire<Envelope> wire = AvroWire.of(Envelope.class, client);
    Envelope in = envelope();

    byte[] bytes = wire.encode("wire-a.mailbox", in);

    assertEquals(0, bytes[0], "magic byte");
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertEquals(Envelope.getClassSchema(), client.schema(id));
    assertEquals(id, client.register("wire-a.mailbox-value", Envelope.getClassSchema()));
    // A second client has an empty cache, so this decode goes to the registry by id.
    assertEquals(in, AvroWire.of(Envelope.class, SchemaRegistryClient.create(registry.url()))
        .decode("wire-a.mailbox", bytes));
    assertNull(wire.decode("wire-a.mailbox", null));
    assertNull(wire.encode("wire-a.mailbox", null));
  }

  @Test
  void tellsEachKindOfBadBytesApart(Registry registry) {
    SchemaRegistryClient client = SchemaRegistryClient.create(registry.url());
    AvroWire<Envelope> wire = AvroWire.of(Envelope.class, client);
    byte[] good = wire.encode("wire-b.mailbox", envelope());

    assertEquals(Problem.GARBAGE, problem(wire, new byte[] {0, 1}));
    byte[] badMagic = good.clone();
    badMagic[0] = 7;
    assertEquals(Problem.BAD_MAGIC, problem(wire, badMagic));
    byte[] unknownId = good.clone();
    ByteBuffer.wrap(unknownId, 1, 4).putInt(987_654);
    assertEquals(Problem.UNKNOWN_SCHEMA, problem(wire, unknownId));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    assertEquals(Problem.GARBAGE, problem(wire, truncated));

    AvroWire<Heartbeat> other = AvroWire.of(Heartbeat.class, client);
    byte[] heartbeat = other.encode("wire-b.presence", Heartbeat.newBuilder().setNodeId("n")
        .setStartedAt(Instant.EPOCH).setSentAt(Instant.EPOCH).setIntervalMs(1000).setTimeoutMs(3000).build());
    WireFormatException incompatible = assertThrows(WireFormatException.class,
        () -> wire.decode("wire-b.mailbox", heartbeat));
    assertEquals(Problem.INCOMPATIBLE_SCHEMA, incompatible.problem());
    assertEquals("DECODE", incompatible.code());
  }

  @Test
  void saysWhenTheRegistryIsNotThere() {
    SchemaRegistryClient client = SchemaRegistryClient.create("http://127.0.0.1:1/apis/ccompat/v7");
    SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
        () -> client.register("x-value", Envelope.getClassSchema()));
    assertEquals("UNAVAILABLE", e.code());
    assertArrayEquals(new int[] {-1}, new int[] {e.status()});
  }

  private static Problem problem(AvroWire<Envelope> wire, byte[] bytes) {
    return assertThrows(WireFormatException.class, () -> wire.decode("wire-b.mailbox", bytes)).problem();
  }
}
