package io.fedstream.node.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Fetches the messages a trigger names by position ({@code topic:partition:offset}) instead of
 * embedding them (past the router's size budget): a short-lived consumer without a group, assigned
 * to those partitions only, seeks to each offset and reads until it has every one or the deadline
 * passes. References are the router's safety valve for large triggers, so this runs rarely; it
 * runs on the delivery thread that hands the trigger over.
 */
final class GatheredRecords {

  private GatheredRecords() {
  }

  /** {@code topic:partition:offset} → the record's value; positions not found are missing. */
  static Map<String, byte[]> fetch(Map<String, Object> clientProps, String clientId, List<String> positions,
      Duration deadline) {
    Map<TopicPartition, Map<Long, String>> wanted = new HashMap<>();
    for (String pos : positions) {
      int last = pos.lastIndexOf(':');
      int mid = last < 0 ? -1 : pos.lastIndexOf(':', last - 1);
      if (mid <= 0) {
        continue;
      }
      try {
        TopicPartition tp = new TopicPartition(pos.substring(0, mid), Integer.parseInt(pos.substring(mid + 1, last)));
        wanted.computeIfAbsent(tp, k -> new HashMap<>()).put(Long.parseLong(pos.substring(last + 1)), pos);
      } catch (NumberFormatException e) {
        // not a position: left missing
      }
    }
    Map<String, byte[]> found = new HashMap<>();
    if (wanted.isEmpty()) {
      return found;
    }
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.assign(wanted.keySet());
      wanted.forEach((tp, offsets) -> c.seek(tp, offsets.keySet().stream().min(Long::compare).orElseThrow()));
      int total = positions.size();
      long end = System.nanoTime() + deadline.toNanos();
      while (found.size() < total && System.nanoTime() < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          Map<Long, String> offsets = wanted.get(tp);
          String pos = offsets == null ? null : offsets.get(r.offset());
          if (pos != null) {
            found.put(pos, r.value());
          }
          if (offsets != null && offsets.keySet().stream().allMatch(o -> o <= r.offset())) {
            c.pause(List.of(tp));
          }
        }
      }
    }
    return found;
  }
}
