package io.fedstream.bench;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The plain kafka-clients settings of the baselines, in one place so that they are easy to read. */
final class Clients {
  private Clients() {}

  /**
   * A producer with Kafka's defaults (idempotent, {@code acks=all}) and {@code linger.ms} as given:
   * 0 for request/reply (send each call at once), Kafka's default 5 for throughput runs.
   */
  static Properties producer(Cluster cluster, int lingerMs) {
    Properties p = cluster.props();
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // Room for 1 MiB chunks plus the record's own overhead.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(3 * 1024 * 1024));
    return p;
  }

  static KafkaProducer<String, byte[]> newProducer(Cluster cluster, int lingerMs) {
    return new KafkaProducer<>(producer(cluster, lingerMs));
  }

  /** A producer with the given {@code linger.ms} and {@code batch.size}. */
  static KafkaProducer<String, byte[]> newProducer(Cluster cluster, int lingerMs, int batchBytes) {
    Properties p = producer(cluster, lingerMs);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchBytes));
    return new KafkaProducer<>(p);
  }

  /** A consumer reading from the earliest offset, committing automatically (asynchronously). */
  static Properties consumer(Cluster cluster, String group) {
    Properties p = cluster.props();
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    } else {
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    }
    return p;
  }

  static KafkaConsumer<String, byte[]> newConsumer(Cluster cluster, String group) {
    return new KafkaConsumer<>(consumer(cluster, group));
  }

  /** Polls until the consumer has partitions assigned, failing after {@code timeout}. */
  static void awaitAssignment(KafkaConsumer<?, ?> consumer, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (consumer.assignment().isEmpty()) {
      if (System.nanoTime() > end) {
        throw new BenchException("A consumer got no partitions within " + timeout + "; is the broker healthy?");
      }
      consumer.poll(Duration.ofMillis(50));
    }
  }

  /** Unique names per run, so that runs against a shared broker never see each other's records. */
  static String unique(String base) {
    return "bench-" + base + "-" + Long.toHexString(System.nanoTime() & 0xFFFFFFFFL);
  }
}
