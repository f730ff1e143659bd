package io.fedstream.projects;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Reads the routing server's one-partition topics with a plain consumer (assigned, no group,
 * read_committed: the router writes in transactions).
 */
final class Tail {

  private final Map<String, Object> props;

  Tail(String bootstrap, Map<String, Object> clientSettings) {
    props = new HashMap<>(clientSettings);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 5 * 1024 * 1024);
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(List<String> topics) {
    return topics.stream().map(t -> new TopicPartition(t, 0)).toList();
  }

  /**
   * Every record of the topics up to their end now (missing topics read as empty).
   *
   * @throws org.apache.kafka.common.errors.TimeoutException when the broker does not answer
   */
  List<ConsumerRecord<String, byte[]>> readAll(List<String> topics, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = consumer()) {
      List<TopicPartition> existing = partitions(topics.stream()
          .filter(t -> !c.partitionsFor(t, timeout).isEmpty()).toList());
      if (existing.isEmpty()) {
        return out;
      }
      c.assign(existing);
      c.seekToBeginning(existing);
      Map<TopicPartition, Long> end = c.endOffsets(existing, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (existing.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new org.apache.kafka.common.errors.TimeoutException("reading " + topics + " took over " + timeout);
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /**
   * The records of the topics as they come, from the beginning or from their end now, on a thread
   * of its own; cancel to stop. {@code ready} completes once the consumer is positioned.
   */
  Flux<ConsumerRecord<String, byte[]>> follow(List<String> topics, boolean fromBeginning, Sinks.Empty<Void> ready) {
    return Flux.create(sink -> {
      AtomicBoolean stop = new AtomicBoolean();
      KafkaConsumer<String, byte[]> c = consumer();
      Thread t = new Thread(() -> {
        try {
          List<TopicPartition> tps = partitions(topics);
          c.assign(tps);
          if (fromBeginning) {
            c.seekToBeginning(tps);
          } else {
            c.seekToEnd(tps);
          }
          tps.forEach(c::position);
          if (ready != null) {
            ready.tryEmitEmpty();
          }
          while (!stop.get()) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
              sink.next(r);
            }
          }
        } catch (WakeupException e) {
          // cancelled
        } catch (RuntimeException e) {
          if (ready != null) {
            ready.tryEmitError(e);
          }
          sink.error(e);
        } finally {
          c.close(Duration.ofSeconds(2));
          sink.complete();
        }
      }, "fedstream-projects-tail");
      t.setDaemon(true);
      sink.onDispose(() -> {
        stop.set(true);
        c.wakeup();
      });
      t.start();
    });
  }
}
