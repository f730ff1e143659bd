package io.fedstream.node.internal;

import io.fedstream.node.spi.KafkaClientFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** {@link KafkaClientFactory#kafka()}: real clients; topics created with an {@link Admin} client made on first use per host. */
public final class RealKafkaClients implements KafkaClientFactory {

  /** The one instance. */
  public static final RealKafkaClients INSTANCE = new RealKafkaClients();

  private RealKafkaClients() {
  }

  @Override
  public Producer<String, byte[]> producer(Map<String, Object> props) {
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public Consumer<String, byte[]> consumer(Map<String, Object> props) {
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void createTopics(Map<String, Object> adminProps, Collection<NewTopic> topics) {
    try (Admin admin = Admin.create(adminProps)) {
      Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
      for (Map.Entry<String, KafkaFuture<Void>> e : results.entrySet()) {
        try {
          e.getValue().get(HostContext.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause(), ex);
          }
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted creating topic " + e.getKey(), ex);
        } catch (java.util.concurrent.TimeoutException ex) {
          throw new IllegalStateException("topic " + e.getKey() + " not created within "
              + HostContext.START_TIMEOUT.toSeconds() + " s", ex);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "KafkaClientFactory.kafka()";
  }

  static Duration timeout() {
    return HostContext.START_TIMEOUT;
  }
}
