package io.fedstream.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.Payload;
import io.fedstream.schemas.RecordHeaders;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Real nodes with the {@link EndToEnd} interceptor: a request and its reply, and a chunked 3 MiB
 * payload, travel sealed (no plaintext marker in any record of the mailbox); an unsealed message
 * from a node without keys is dead-lettered with {@code BAD_SIGNATURE} and the receiver goes on.
 */
@ExtendWith(FedStreamExtension.class)
class EndToEndIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String MARKER = "E2E-PLAINTEXT-MARKER";

  private static NodeConfig.Builder config(Platform platform, String ns, String id) {
    return NodeConfig.builder().bootstrapServers(platform.bootstrapServers()).registryUrl(platform.registryUrl())
        .namespace(ns).nodeId(id).set(NodeConfig.HEARTBEAT_INTERVAL_MS, 200).set(NodeConfig.LIVENESS_TIMEOUT_MS, 2000);
  }

  @Test
  void nodesTalkSealedAndAnUnsealedMessageIsDeadLettered(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    SiteKeys alice = SiteKeys.generate("alice");
    SiteKeys bob = SiteKeys.generate("bob");
    EndToEnd.Directory directory = EndToEnd.directoryOf(List.of(alice.publicKeys(), bob.publicKeys()));
    byte[] big = new byte[3 * 1024 * 1024 + 11];
    new Random(5).nextBytes(big);
    System.arraycopy(MARKER.getBytes(StandardCharsets.UTF_8), 0, big, 1000, MARKER.length());
    Path bigFile = Files.write(dir.resolve("big.bin"), big);
    try (Node a = Node.create(config(platform, ns, "alice").interceptor(EndToEnd.of(alice, directory)).build());
         Node b = Node.create(config(platform, ns, "bob").set(NodeConfig.TRANSFER_DIR, dir.toString())
             .interceptor(EndToEnd.of(bob, directory)).build());
         Node mallory = Node.create(config(platform, ns, "mallory").build())) {
      a.start().block(WAIT);
      b.start().block(WAIT);
      mallory.start().block(WAIT);
      b.serve("echo", req -> Mono.just(Message.builder().tag("echoed")
          .payload(Payload.ofBytes("p", (new String(req.payload("p").get().bytes(), StandardCharsets.UTF_8) + " back")
              .getBytes(StandardCharsets.UTF_8))).build()));

      Message reply = a.request(Message.builder().tag("echo").to("bob").arg("round", 1)
          .payload(Payload.ofBytes("p", MARKER.getBytes(StandardCharsets.UTF_8))).build()).block(WAIT);
      assertEquals(MARKER + " back", new String(reply.payload("p").get().bytes(), StandardCharsets.UTF_8));

      // an unsealed message is dead-lettered; the large sealed one after it arrives
      mallory.send(Message.builder().tag("plain").to("bob").payload(Payload.ofBytes("p", new byte[] {1})).build()).block(WAIT);
      a.send(Message.builder().tag("big").to("bob").payload(Payload.ofFile("blob", bigFile)).build()).block(WAIT);
      Message got = b.receive().filter(m -> m.tag().equals("big")).next().block(WAIT);
      try (InputStream in = got.payload("blob").get().openStream()) {
        assertArrayEquals(big, in.readAllBytes());
      }

      List<ConsumerRecord<byte[], byte[]>> dlq = readAll(platform, Topics.deadLetter(ns), 1);
      assertEquals(1, dlq.size());
      assertEquals("BAD_SIGNATURE", header(dlq.get(0), RecordHeaders.DLQ_CODE));
      assertTrue(header(dlq.get(0), RecordHeaders.DLQ_REASON).contains("unsealed"), header(dlq.get(0), RecordHeaders.DLQ_REASON));

      // and bob still answers
      assertEquals("echoed", a.request(Message.builder().tag("echo").to("bob")
          .payload(Payload.ofBytes("p", new byte[] {'x'})).build()).block(WAIT).tag());
    }
    List<ConsumerRecord<byte[], byte[]>> mailbox = readAll(platform, Topics.mailbox(ns), Integer.MAX_VALUE);
    assertTrue(mailbox.size() > 5, "the traffic is there: " + mailbox.size());
    byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
    for (ConsumerRecord<byte[], byte[]> r : mailbox) {
      assertFalse(contains(r.value(), marker), "plaintext in " + r);
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; hay != null && i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  /** Reads a topic from the start until {@code expected} records or 10 s of quiet. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(Platform platform, String topic, int expected) {
    Map<String, Object> p = platform.clientProperties();
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = c.endOffsets(tps);
      long end = System.nanoTime() + WAIT.toNanos();
      while (out.size() < expected && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
        if (expected == Integer.MAX_VALUE && tps.stream().allMatch(tp -> c.position(tp) >= ends.get(tp))) {
          break;
        }
      }
    }
    return out;
  }
}
