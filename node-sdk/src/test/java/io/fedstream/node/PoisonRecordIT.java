package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.SessionType;
import io.fedstream.avro.Value;
import io.fedstream.schemas.RecordHeaders;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

/**
 * Records that used to stop a node's host for good (its poll thread died on them, and a restart
 * read them again): each is now dead-lettered with its reason, the node carries on, and a restart
 * is not blocked by them. R4 of the fault suite, with {@code DeadLetterIT} (garbage, wrong magic
 * byte, unknown and incompatible schemas).
 */
@ExtendWith(FedStreamExtension.class)
class PoisonRecordIT {

  @Test
  void poisonRecordsAreDeadLetteredWithTheirReasonAndTheNodeCarriesOnAndRestarts(Platform platform)
      throws Exception {
    String ns = platform.newNamespace();
    String mailbox = Topics.mailbox(ns);
    String group = Topics.group(ns, "crowd");
    AvroWire<Envelope> wire = AvroWire.of(Envelope.class, SchemaRegistryClient.create(platform.registryUrl()));
    // the reason each record must be dead-lettered with, by the case header
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("TOMBSTONE", "DECODE");
    expected.put("TOO_DEEP", "DECODE");
    expected.put("EMPTY_SOURCE", "REJECTED");
    expected.put("WRONG_KEY", "REJECTED");
    expected.put("NULL_KEY", "REJECTED");
    expected.put("GROUP_TOMBSTONE", "DECODE");
    try (Node friend = Nodes.start(platform, ns, "friend")) {
      Node victim = Nodes.start(platform, ns, "victim", "crowd");
      int partitions;
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
          platform.clientProperties())) {
        partitions = admin.describeTopics(List.of(mailbox)).allTopicNames().get().get(mailbox).partitions().size();
      }
      int victimPartition = Utils.toPositive(Utils.murmur2("victim".getBytes(StandardCharsets.UTF_8))) % partitions;
      try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(platform.clientProperties(), new StringSerializer(),
          new ByteArraySerializer())) {
        List<ProducerRecord<String, byte[]>> poison = new ArrayList<>();
        poison.add(new ProducerRecord<>(mailbox, "victim", null));
        poison.add(new ProducerRecord<>(mailbox, "victim", deep(wire, mailbox, 3_000)));
        poison.add(new ProducerRecord<>(mailbox, "victim", wire.encode(mailbox, envelope("", "victim"))));
        poison.add(new ProducerRecord<>(mailbox, "victim", wire.encode(mailbox, envelope("friend", "mallory"))));
        poison.add(new ProducerRecord<>(mailbox, victimPartition, null, wire.encode(mailbox, envelope("friend", "victim"))));
        poison.add(new ProducerRecord<>(group, "friend", null));
        int i = 0;
        for (String kase : expected.keySet()) {
          ProducerRecord<String, byte[]> r = poison.get(i++);
          r.headers().add("case", kase.getBytes(StandardCharsets.UTF_8));
          p.send(r).get();
        }
      }
      friend.send(Message.builder().tag("still-there").to("victim").build()).block(Nodes.WAIT);
      StepVerifier.create(victim.receive().next().map(Message::tag))
          .expectNext("still-there").expectComplete().verify(Nodes.WAIT);

      List<ConsumerRecord<byte[], byte[]>> dlq = PrimitivesIT.readAll(platform, Topics.deadLetter(ns), expected.size());
      Map<String, String> got = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : dlq) {
        String kase = header(r, "case");
        String reason = header(r, RecordHeaders.DLQ_REASON);
        assertTrue(reason.startsWith(kase.replace("GROUP_", "") + ":"), kase + " dead-lettered as " + reason);
        assertTrue(reason.length() < 4_000, "a bounded reason");
        got.put(kase, header(r, RecordHeaders.DLQ_CODE));
      }
      assertEquals(expected, got);

      // The poison records stay in the topics: a restart must neither fail on them nor hang.
      victim.close();
      victim = Nodes.start(platform, ns, "victim", "crowd");
      friend.send(Message.builder().tag("after-restart").to("victim").build()).block(Nodes.WAIT);
      StepVerifier.create(victim.receive().filter(m -> m.tag().equals("after-restart")).next().map(Message::tag))
          .expectNext("after-restart").expectComplete().verify(Nodes.WAIT);
      victim.close();
    }
  }

  private static Envelope envelope(String source, String destination) {
    return Envelope.newBuilder().setMessageId(UUID.randomUUID().toString()).setSessionId(UUID.randomUUID().toString())
        .setSessionType(SessionType.NOTIFICATION).setKind(Kind.MESSAGE).setTag("poison").setSource(source)
        .setDestination(destination).setCreatedAt(Instant.now()).setArgs(new HashMap<>(Map.of("deep", new Value(1L))))
        .build();
  }

  /** A message whose arg nests {@code depth} lists deep, about 3 bytes a level (Avro's writer would overflow). */
  static byte[] deep(AvroWire<Envelope> wire, String topic, int depth) {
    byte[] shallow = wire.encode(topic, envelope("friend", "victim"));
    byte[] key = {8, 'd', 'e', 'e', 'p', 4, 2}; // "deep" -> Value(long 1)
    int at = indexOf(shallow, key) + 5;
    byte[] out = new byte[shallow.length - 2 + 3 * depth + 1];
    System.arraycopy(shallow, 0, out, 0, at);
    int p = at;
    for (int i = 0; i < depth; i++) {
      out[p++] = 12; // the array branch
      out[p++] = 2; // of one item
    }
    out[p++] = 0; // null
    for (int i = 0; i < depth; i++) {
      out[p++] = 0; // end of each array
    }
    System.arraycopy(shallow, at + 2, out, p, shallow.length - at - 2);
    return out;
  }

  private static int indexOf(byte[] b, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= b.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("not found");
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
