package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.schemas.RecordHeaders;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

@ExtendWith(FedStreamExtension.class)
class DeadLetterIT {

  @Test
  void undecodableRecordsGoToTheDeadLetterTopicAndTheNodeCarriesOn(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    try (Node victim = Nodes.start(platform, ns, "victim"); Node friend = Nodes.start(platform, ns, "friend")) {
      Map<String, byte[]> bad = new HashMap<>();
      bad.put("GARBAGE", new byte[] {1, 2});
      bad.put("BAD_MAGIC", new byte[] {9, 0, 0, 0, 1, 2, 3});
      bad.put("UNKNOWN_SCHEMA", new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 4});
      bad.put("INCOMPATIBLE_SCHEMA", incompatible(platform, ns));
      String mailbox = Topics.mailbox(ns);
      try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(platform.clientProperties(), new StringSerializer(),
          new ByteArraySerializer())) {
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
          ProducerRecord<String, byte[]> r = new ProducerRecord<>(mailbox, "victim", e.getValue());
          r.headers().add("case", e.getKey().getBytes(StandardCharsets.UTF_8));
          p.send(r).get();
        }
      }
      friend.send(Message.builder().tag("still-there").to("victim").build()).block(Nodes.WAIT);
      StepVerifier.create(victim.receive().next().map(Message::tag))
          .expectNext("still-there").expectComplete().verify(Nodes.WAIT);

      List<ConsumerRecord<byte[], byte[]>> dlq = PrimitivesIT.readAll(platform, Topics.deadLetter(ns), 4);
      assertEquals(4, dlq.size());
      for (ConsumerRecord<byte[], byte[]> r : dlq) {
        String kase = header(r, "case");
        assertEquals("DECODE", header(r, RecordHeaders.DLQ_CODE));
        assertTrue(header(r, RecordHeaders.DLQ_REASON).startsWith(kase + ":"), kase + " vs " + header(r, RecordHeaders.DLQ_REASON));
        assertEquals(mailbox, header(r, RecordHeaders.DLQ_TOPIC));
        assertEquals("victim", header(r, RecordHeaders.DLQ_BY));
        assertTrue(Long.parseLong(header(r, RecordHeaders.DLQ_OFFSET)) >= 0);
        assertArrayEquals(bad.get(kase), r.value(), "the original bytes, unchanged");
        assertEquals("victim", new String(r.key(), StandardCharsets.UTF_8));
      }
      assertEquals(4.0, victim.equals(null) ? 0 : io.fedstream.node.internal.TestAccess.host(victim).meterRegistry()
          .get("fedstream.records.dead.lettered").counter().count());
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static byte[] incompatible(Platform platform, String ns) throws Exception {
    Schema other = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Other\",\"namespace\":\"x\","
        + "\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    int id = SchemaRegistryClient.create(platform.registryUrl()).register(ns + ".other-value", other);
    GenericRecord rec = new GenericData.Record(other);
    rec.put("x", 42);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(other).write(rec, enc);
    enc.flush();
    return out.toByteArray();
  }
}
