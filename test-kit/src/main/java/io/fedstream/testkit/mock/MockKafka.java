package io.fedstream.testkit.mock;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Utils;

/**
 * A broker-free Kafka for tests, in the spirit of Kafka Streams' {@code TopologyTestDriver}: an
 * in-memory log of topics and partitions, producers and consumers on Kafka's {@code MockProducer}
 * and {@code MockConsumer} that write to and read from it (so many hosts in one test talk to each
 * other), consumer-group positions that survive a restarted consumer, and an in-JVM schema
 * registry speaking the two calls of the Confluent API the SDK uses.
 *
 * <p>A node host runs on it with its config pointed here:
 * <pre>{@code
 * try (MockKafka kafka = MockKafka.create()) {
 *   NodeConfig config = NodeConfig.builder().bootstrapServers(kafka.bootstrapServers())
 *       .registryUrl(kafka.registryUrl()).namespace("test").nodeId("a")
 *       .clientFactory(KafkaClientFactory.of(kafka::producer, kafka::consumer, kafka::createTopics)).build();
 *   ...
 * }
 * }</pre>
 * Records are partitioned like Kafka's default partitioner (murmur2 of the key); sends are
 * acknowledged at once. {@link #append} writes raw records (garbage, for dead-letter tests) and
 * {@link #records} reads a topic back. Not a broker: no transactions, no retention, no quotas.
 */
public final class MockKafka implements Closeable {

  private final Map<String, List<List<ConsumerRecord<String, byte[]>>>> topics = new HashMap<>();
  private final Map<String, Map<TopicPartition, OffsetAndMetadata>> groups = new HashMap<>();
  private final List<MockKafkaConsumer> consumers = new CopyOnWriteArrayList<>();
  private final FakeRegistry registry;

  private MockKafka() {
    this.registry = FakeRegistry.start();
  }

  /** A new empty cluster with its registry. */
  public static MockKafka create() {
    return new MockKafka();
  }

  /** A placeholder bootstrap address (the clients never connect). */
  public String bootstrapServers() {
    return "mock-kafka:9092";
  }

  /** The URL of the in-JVM schema registry. */
  public String registryUrl() {
    return registry.url();
  }

  /** A producer writing to this cluster (the settings are ignored). */
  public Producer<String, byte[]> producer(Map<String, Object> settings) {
    return new MockKafkaProducer(this);
  }

  /** A consumer reading from this cluster; its {@code group.id} keeps committed positions. */
  public Consumer<String, byte[]> consumer(Map<String, Object> settings) {
    Object group = settings.get(ConsumerConfig.GROUP_ID_CONFIG);
    MockKafkaConsumer c = new MockKafkaConsumer(this, group == null ? "" : group.toString());
    synchronized (this) {
      topics.forEach((t, ps) -> c.topicCreated(t, partitionInfos(t, ps.size())));
      consumers.add(c);
    }
    return c;
  }

  /** Creates the topics that do not exist yet (the settings are ignored). */
  public void createTopics(Map<String, Object> settings, Collection<NewTopic> newTopics) {
    for (NewTopic t : newTopics) {
      createTopic(t.name(), t.numPartitions() > 0 ? t.numPartitions() : 1);
    }
  }

  /** Creates a topic unless it exists. */
  public void createTopic(String topic, int partitions) {
    synchronized (this) {
      if (topics.containsKey(topic)) {
        return;
      }
      List<List<ConsumerRecord<String, byte[]>>> ps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        ps.add(new ArrayList<>());
      }
      topics.put(topic, ps);
    }
    // outside this cluster's lock: a polling consumer holds its own lock and then takes this one
    for (MockKafkaConsumer c : consumers) {
      c.topicCreated(topic, partitionInfos(topic, partitions));
    }
  }

  /** The partitions of a topic (empty if it does not exist). */
  public synchronized List<PartitionInfo> partitionsFor(String topic) {
    List<List<ConsumerRecord<String, byte[]>>> ps = topics.get(topic);
    return ps == null ? List.of() : partitionInfos(topic, ps.size());
  }

  /**
   * Appends a record, as a producer would (the topic is created with one partition if missing).
   *
   * @param partition the partition, or null for the key's (murmur2, like Kafka's default partitioner)
   * @return the record as stored, with its partition and offset
   */
  public ConsumerRecord<String, byte[]> append(String topic, Integer partition, String key, byte[] value,
      Headers headers) {
    ConsumerRecord<String, byte[]> stored;
    if (partitionsFor(topic).isEmpty()) {
      createTopic(topic, 1);
    }
    synchronized (this) {
      List<List<ConsumerRecord<String, byte[]>>> ps = topics.get(topic);
      int p = partition != null ? partition
          : key == null ? 0 : Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % ps.size();
      if (p < 0 || p >= ps.size()) {
        throw new IllegalArgumentException("topic " + topic + " has no partition " + p);
      }
      List<ConsumerRecord<String, byte[]>> log = ps.get(p);
      stored = new ConsumerRecord<>(topic, p, log.size(), System.currentTimeMillis(), TimestampType.CREATE_TIME,
          key == null ? -1 : key.getBytes(StandardCharsets.UTF_8).length, value == null ? -1 : value.length, key, value,
          new RecordHeaders(headers == null ? new RecordHeaders().toArray() : headers.toArray()), Optional.empty());
      log.add(stored);
    }
    TopicPartition tp = new TopicPartition(topic, stored.partition());
    for (MockKafkaConsumer c : consumers) {
      c.appended(tp, stored.offset() + 1);
    }
    return stored;
  }

  /** Every record of a topic, partition by partition, in offset order. */
  public synchronized List<ConsumerRecord<String, byte[]>> records(String topic) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    List<List<ConsumerRecord<String, byte[]>>> ps = topics.get(topic);
    if (ps != null) {
      ps.forEach(out::addAll);
    }
    return out;
  }

  /** The records of one partition from an offset, at most {@code max}. */
  synchronized List<ConsumerRecord<String, byte[]>> read(TopicPartition tp, long from, int max) {
    List<List<ConsumerRecord<String, byte[]>>> ps = topics.get(tp.topic());
    if (ps == null || tp.partition() >= ps.size()) {
      return List.of();
    }
    List<ConsumerRecord<String, byte[]>> log = ps.get(tp.partition());
    int start = (int) Math.max(0, Math.min(from, log.size()));
    return new ArrayList<>(log.subList(start, Math.min(log.size(), start + max)));
  }

  /** The end offset of a partition. */
  synchronized long end(TopicPartition tp) {
    List<List<ConsumerRecord<String, byte[]>>> ps = topics.get(tp.topic());
    return ps == null || tp.partition() >= ps.size() ? 0 : ps.get(tp.partition()).size();
  }

  synchronized void commit(String group, Map<TopicPartition, OffsetAndMetadata> offsets) {
    groups.computeIfAbsent(group, g -> new HashMap<>()).putAll(offsets);
  }

  synchronized Map<TopicPartition, OffsetAndMetadata> committed(String group, Collection<TopicPartition> tps) {
    Map<TopicPartition, OffsetAndMetadata> all = groups.getOrDefault(group, Map.of());
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition tp : tps) {
      if (all.containsKey(tp)) {
        out.put(tp, all.get(tp));
      }
    }
    return out;
  }

  void closed(MockKafkaConsumer c) {
    consumers.remove(c);
  }

  private static List<PartitionInfo> partitionInfos(String topic, int n) {
    Node leader = new Node(0, "mock-kafka", 9092);
    List<PartitionInfo> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PartitionInfo(topic, i, leader, new Node[] {leader}, new Node[] {leader}));
    }
    return out;
  }

  /** Stops the registry; producers and consumers need no closing beyond their own. */
  @Override
  public void close() {
    registry.close();
  }

  /** Registers a producer record (for {@link MockKafkaProducer}). */
  ConsumerRecord<String, byte[]> append(ProducerRecord<String, byte[]> r) {
    return append(r.topic(), r.partition(), r.key(), r.value(), r.headers());
  }
}
