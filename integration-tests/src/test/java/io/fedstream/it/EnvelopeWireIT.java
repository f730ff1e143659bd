package io.fedstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.SessionType;
import io.fedstream.avro.Value;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An Avro envelope goes through a real broker and a real registry on the Confluent wire format:
 * magic byte 0, a 4-byte schema id that the registry resolves to the envelope's schema, then Avro
 * binary that decodes to the record that was sent.
 */
@ExtendWith(FedStreamExtension.class)
class EnvelopeWireIT {

  @Test
  void envelopeTravelsOnTheConfluentWireFormat(Platform platform) throws Exception {
    String topic = Topics.mailbox(platform.newNamespace());
    TopicSettings s = TopicSettings.forTopic(topic);
    platform.admin().createTopics(List.of(new NewTopic(topic, s.partitions(), (short) 1).configs(s.configs())))
        .all().get(30, TimeUnit.SECONDS);
    SchemaRegistryClient registry = SchemaRegistryClient.create(platform.registryUrl());
    AvroWire<Envelope> wire = AvroWire.of(Envelope.class, registry);
    Envelope sent = Envelope.newBuilder()
        .setMessageId(UUID.randomUUID().toString())
        .setSessionId(UUID.randomUUID().toString())
        .setSessionType(SessionType.TASK)
        .setKind(Kind.REQUEST)
        .setTag("train")
        .setSource("server")
        .setDestination("client-1")
        .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .setArgs(Map.of("round", new Value(1L), "lr", new Value(0.01),
            "layers", new Value(List.of(new Value("dense"), new Value(Map.of("units", new Value(64L)))))))
        .setAttributes(Map.of("model", "mlp"))
        .build();

    Map<String, Object> pc = platform.clientProperties();
    pc.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, Envelope> producer = new KafkaProducer<>(pc, new StringSerializer(), wire.serializer())) {
      producer.send(new ProducerRecord<>(topic, "client-1", sent)).get(30, TimeUnit.SECONDS);
    }

    Map<String, Object> cc = platform.clientProperties();
    cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cc, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < s.partitions(); p++) {
        parts.add(new TopicPartition(topic, p));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (got.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(got::add);
      }
    }
    assertEquals(1, got.size(), "one record on " + topic);
    ConsumerRecord<String, byte[]> record = got.get(0);
    assertEquals("client-1", record.key(), "mailbox records are keyed by destination");
    byte[] bytes = record.value();
    assertEquals(0, bytes[0], "magic byte");
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    // A fresh client: the id is resolved by the registry, not from a cache.
    Schema resolved = SchemaRegistryClient.create(platform.registryUrl()).schema(id);
    assertEquals(Envelope.getClassSchema(), resolved, "schema id " + id + " resolves to the Envelope schema");
    assertEquals(id, registry.register(topic + "-value", Envelope.getClassSchema()),
        "the id is the one registered under the topic's value subject");
    assertFalse(bytes.length <= 5, "an Avro body follows the header");
    Envelope received = AvroWire.of(Envelope.class, SchemaRegistryClient.create(platform.registryUrl()))
        .deserializer().deserialize(topic, bytes);
    assertEquals(sent, received);
  }
}
