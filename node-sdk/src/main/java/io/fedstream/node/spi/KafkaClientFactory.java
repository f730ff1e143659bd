package io.fedstream.node.spi;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Where a host gets its Kafka clients: its one producer, its one consumer, and the creation of
 * topics. The default ({@link #kafka()}) makes real {@code KafkaProducer}/{@code KafkaConsumer}s
 * and creates topics with an {@code Admin} client. Tests swap it for in-memory clients (test-kit's
 * {@code MockKafka}, on Kafka's {@code MockProducer}/{@code MockConsumer}) with {@code
 * NodeConfig.Builder.clientFactory(...)}, so a node runs without a broker.
 */
public interface KafkaClientFactory {

  /**
   * The host's producer.
   *
   * @param props the producer settings the host chose (bootstrap, acks, idempotence, batch size, client id ...)
   */
  Producer<String, byte[]> producer(Map<String, Object> props);

  /**
   * The host's consumer; the host assigns partitions itself (no group subscription).
   *
   * @param props the consumer settings the host chose (group id, isolation level, fetch sizes, client id ...)
   */
  Consumer<String, byte[]> consumer(Map<String, Object> props);

  /**
   * Creates topics that do not exist yet (one that exists is not an error). Blocking.
   *
   * @param adminProps admin client settings (bootstrap servers, security settings)
   * @param topics the topics with their partitions and configs
   * @throws RuntimeException if a topic cannot be created; the host reports {@code UNAVAILABLE}
   */
  void createTopics(Map<String, Object> adminProps, Collection<NewTopic> topics);

  /** Real Kafka clients: the default. */
  static KafkaClientFactory kafka() {
    return io.fedstream.node.internal.RealKafkaClients.INSTANCE;
  }

  /** A factory from three functions, e.g. method references to an in-memory cluster's. */
  static KafkaClientFactory of(Function<Map<String, Object>, Producer<String, byte[]>> producers,
      Function<Map<String, Object>, Consumer<String, byte[]>> consumers,
      BiConsumer<Map<String, Object>, Collection<NewTopic>> topicCreator) {
    Objects.requireNonNull(producers, "producers");
    Objects.requireNonNull(consumers, "consumers");
    Objects.requireNonNull(topicCreator, "topicCreator");
    return new KafkaClientFactory() {
      @Override
      public Producer<String, byte[]> producer(Map<String, Object> props) {
        return producers.apply(props);
      }

      @Override
      public Consumer<String, byte[]> consumer(Map<String, Object> props) {
        return consumers.apply(props);
      }

      @Override
      public void createTopics(Map<String, Object> adminProps, Collection<NewTopic> topics) {
        topicCreator.accept(adminProps, topics);
      }
    };
  }
}
