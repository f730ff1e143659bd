package io.fedstream.projects;

import io.fedstream.node.NodeConfig;
import io.fedstream.schemas.TopicSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A site's own topics and its command producer. */
final class SiteTopics {

  private SiteTopics() {
  }

  static Map<String, Object> client(NodeConfig node) {
    Map<String, Object> p = new HashMap<>(node.clientSettings());
    p.put("bootstrap.servers", node.bootstrapServers());
    return p;
  }

  static KafkaProducer<String, byte[]> producer(NodeConfig node) {
    Map<String, Object> p = client(node);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Creates the topics that are missing, with the contract's settings. A topic the site may not
   * create (a secured namespace: the admin creates a site's topics with {@code fedstream site add})
   * is fine when it exists and the site may see it.
   */
  static void create(NodeConfig node, List<String> topics) {
    try (Admin admin = Admin.create(client(node))) {
      List<NewTopic> news = topics.stream().map(TopicSettings::newTopic).toList();
      admin.createTopics(news).values().forEach((t, f) -> {
        try {
          f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicAuthorizationException && visible(admin, t)) {
            return;
          }
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new ProjectException(io.fedstream.node.ErrorCode.UNAVAILABLE, "", "could not create " + t + ": "
                + e.getCause());
          }
        } catch (Exception e) {
          throw new ProjectException(io.fedstream.node.ErrorCode.UNAVAILABLE, "", "could not create " + t + ": " + e);
        }
      });
    }
  }

  /** Whether the topic exists and this principal may describe it. */
  private static boolean visible(Admin admin, String topic) {
    try {
      admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }
}
