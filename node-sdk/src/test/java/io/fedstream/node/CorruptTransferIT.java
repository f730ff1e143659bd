package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.ChunkDescriptor;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Transfer;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** A transfer that lost a chunk on the wire, or carries a corrupt one, fails that message and nothing else. */
@ExtendWith(FedStreamExtension.class)
class CorruptTransferIT {

  private static final int CHUNK = 4096;

  private static Envelope.Builder base(String id, Kind kind) {
    return Envelope.newBuilder().setMessageId(id).setSessionId("s-" + id).setKind(kind).setTag("model")
        .setSource("forger").setDestination("receiver").setCreatedAt(Instant.now());
  }

  private static byte[] sha(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  /** Chunks of a payload, with {@code drop} left out and {@code flip} corrupted (-1: none). */
  private static void transfer(KafkaProducer<String, byte[]> p, AvroWire<Envelope> wire, String topic, String id,
      byte[] data, int drop, int flip) throws Exception {
    int count = (data.length + CHUNK - 1) / CHUNK;
    for (int i = 0; i < count; i++) {
      byte[] c = Arrays.copyOfRange(data, i * CHUNK, Math.min(data.length, (i + 1) * CHUNK));
      byte[] digest = sha(c);
      if (i == flip) {
        c[0] ^= 1;
      }
      if (i == drop) {
        continue;
      }
      Envelope e = base(id + "/" + i, Kind.CHUNK)
          .setPayloads(List.of(io.fedstream.avro.Payload.newBuilder().setName("w").setData(ByteBuffer.wrap(c)).build()))
          .setChunk(ChunkDescriptor.newBuilder().setTransferId(id).setPayloadName("w").setIndex(i).setCount(count)
              .setOffset((long) i * CHUNK).setTotalSize(data.length).setSha256(ByteBuffer.wrap(digest)).build())
          .build();
      p.send(new ProducerRecord<>(topic, "receiver", wire.encode(topic, e))).get();
    }
    Envelope msg = base(id, Kind.MESSAGE)
        .setPayloads(List.of(io.fedstream.avro.Payload.newBuilder().setName("w").setData(ByteBuffer.allocate(0))
            .setTransfer(Transfer.newBuilder().setTransferId(id).setTotalSize(data.length).setChunkSize(CHUNK)
                .setChunkCount(count).setSha256(ByteBuffer.wrap(sha(data))).build()).build()))
        .build();
    p.send(new ProducerRecord<>(topic, "receiver", wire.encode(topic, msg))).get();
  }

  @Test
  void missingOrCorruptChunkFailsOnlyThatMessage(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    byte[] data = new byte[CHUNK * 3 + 100];
    new Random(3).nextBytes(data);
    try (Node receiver = Node.create(Nodes.config(platform, ns, "receiver")
            .set(NodeConfig.TRANSFER_DIR, dir.toString()).build());
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(platform.clientProperties(), new StringSerializer(),
            new ByteArraySerializer())) {
      receiver.start().block(Nodes.WAIT);
      AvroWire<Envelope> wire = AvroWire.of(Envelope.class, SchemaRegistryClient.create(platform.registryUrl()));
      String topic = Topics.mailbox(ns);
      transfer(p, wire, topic, "missing", data, 1, -1);
      transfer(p, wire, topic, "corrupt", data, -1, 2);
      transfer(p, wire, topic, "good", data, -1, -1);
      StepVerifier.create(receiver.receive().take(3))
          .assertNext(m -> {
            assertEquals("missing", m.id());
            assertEquals(ErrorCode.CORRUPT_PAYLOAD, m.error().get().code());
            assertTrue(m.error().get().reason().contains("chunk 1 of 4 is missing"), m.error().get().reason());
            assertTrue(m.payloads().isEmpty());
          })
          .assertNext(m -> {
            assertEquals("corrupt", m.id());
            assertEquals(ErrorCode.CORRUPT_PAYLOAD, m.error().get().code());
            assertTrue(m.error().get().reason().contains("SHA-256"), m.error().get().reason());
          })
          .assertNext(m -> {
            assertEquals("good", m.id());
            assertTrue(m.error().isEmpty());
            assertTrue(Arrays.equals(data, m.payload("w").get().bytes()));
          })
          .expectComplete()
          .verify(Nodes.WAIT);
    }
  }
}
