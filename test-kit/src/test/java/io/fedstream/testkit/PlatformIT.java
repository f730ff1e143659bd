package io.fedstream.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FedStreamExtension.class)
class PlatformIT {

  @Test
  void brokerAndRegistryAreRealAndShared(Platform platform, Registry registry) throws Exception {
    assertTrue(platform.bootstrapServers().matches("localhost:\\d+|127\\.0\\.0\\.1:\\d+"), platform.bootstrapServers());
    assertEquals(platform.registryUrl(), registry.url());
    String ns = platform.newNamespace();
    assertNotEquals(ns, platform.newNamespace());
    String topic = Topics.mailbox(ns);
    platform.admin().createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
        .all().get();

    Map<String, Object> p = platform.clientProperties();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "hello")).get();
    }
    Map<String, Object> c = platform.clientProperties();
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.GROUP_ID_CONFIG, ns + ".g");
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.value());
        }
      }
    }
    assertEquals(List.of("hello"), seen);
  }

  @Test
  void topicsAreNotCreatedImplicitly(Platform platform) throws Exception {
    String topic = Topics.mailbox(platform.newNamespace());
    assertTrue(platform.admin().listTopics().names().get().stream().noneMatch(topic::equals));
  }
}
