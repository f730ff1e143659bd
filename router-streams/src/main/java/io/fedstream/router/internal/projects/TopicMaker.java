package io.fedstream.router.internal.projects;

import io.fedstream.schemas.TopicSettings;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Makes sure a topic the routing server is about to write exists (a site's inbox, status and log
 * topics when it registers; a project's broadcast topic when it is created), with the contract's
 * settings. In a secured cluster an admin creates them beforehand; this then finds them.
 */
interface TopicMaker extends AutoCloseable {

  /** Creates the topics that do not exist yet; returns when they do. */
  void ensure(List<String> topics);

  @Override
  default void close() {
  }

  /** Does nothing (TopologyTestDriver tests). */
  static TopicMaker none() {
    return topics -> { };
  }

  /**
   * Creates topics through an admin client made on first use from the router's Kafka settings.
   *
   * @param clientProps bootstrap servers and security settings
   */
  static TopicMaker admin(Properties clientProps) {
    return new TopicMaker() {
      private final Set<String> known = ConcurrentHashMap.newKeySet();
      private Admin admin;

      @Override
      public synchronized void ensure(List<String> topics) {
        List<NewTopic> missing = topics.stream().filter(t -> !known.contains(t))
            .map(TopicSettings::newTopic).toList();
        if (missing.isEmpty()) {
          return;
        }
        if (admin == null) {
          admin = Admin.create(clientProps);
        }
        Map<String, org.apache.kafka.common.KafkaFuture<Void>> results =
            admin.createTopics(missing).values();
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> r : results.entrySet()) {
          try {
            r.getValue().get(30, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw new IllegalStateException("could not create " + r.getKey() + ": " + e.getCause(), e);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating " + r.getKey(), e);
          } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating " + r.getKey(), e);
          }
          known.add(r.getKey());
        }
      }

      @Override
      public synchronized void close() {
        if (admin != null) {
          admin.close();
        }
      }
    };
  }
}
