package io.fedstream.testkit.mock;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link MockConsumer} reading its {@link MockKafka}: each poll hands over the records from each
 * assigned, unpaused partition's position (so seeks, pauses and restarts behave as with a broker),
 * waits for new records up to the poll's timeout, and keeps commits in the cluster by group.
 */
final class MockKafkaConsumer extends MockConsumer<String, byte[]> {

  private static final int MAX_POLL_RECORDS = 500;

  private final MockKafka kafka;
  private final String group;

  MockKafkaConsumer(MockKafka kafka, String group) {
    super("earliest");
    this.kafka = kafka;
    this.group = group;
  }

  synchronized void topicCreated(String topic, List<PartitionInfo> partitions) {
    updatePartitions(topic, partitions);
    Map<TopicPartition, Long> zero = new HashMap<>();
    for (PartitionInfo p : partitions) {
      zero.put(new TopicPartition(topic, p.partition()), 0L);
    }
    updateBeginningOffsets(zero);
    updateEndOffsets(zero);
  }

  synchronized void appended(TopicPartition tp, long end) {
    updateEndOffsets(Map.of(tp, end));
    notifyAll();
  }

  @Override
  public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int budget = MAX_POLL_RECORDS;
      Set<TopicPartition> paused = paused();
      for (TopicPartition tp : assignment()) {
        if (budget == 0 || paused.contains(tp)) {
          continue;
        }
        List<ConsumerRecord<String, byte[]>> recs = kafka.read(tp, position(tp), budget);
        recs.forEach(this::addRecord);
        budget -= recs.size();
      }
      ConsumerRecords<String, byte[]> out = super.poll(Duration.ZERO); // throws WakeupException after wakeup()
      long left = deadline - System.nanoTime();
      if (!out.isEmpty() || left <= 0) {
        return out;
      }
      try {
        wait(Math.max(1, Math.min(left / 1_000_000, 50)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return out;
      }
    }
  }

  @Override
  public synchronized void wakeup() {
    super.wakeup();
    notifyAll();
  }

  @Override
  public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    kafka.commit(group, offsets);
    if (callback != null) {
      callback.onComplete(offsets, null);
    }
  }

  @Override
  public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    kafka.commit(group, offsets);
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    kafka.commit(group, offsets);
  }

  @Override
  public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
    return kafka.committed(group, partitions);
  }

  @Override
  public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions,
      Duration timeout) {
    return kafka.committed(group, partitions);
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
    return kafka.partitionsFor(topic);
  }

  @Override
  public synchronized void close(Duration timeout) {
    super.close(timeout);
    kafka.closed(this);
  }

  @Override
  public void close(org.apache.kafka.clients.consumer.CloseOptions options) {
    close(Duration.ZERO);
  }
}
