package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import io.fedstream.schemas.TopicSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** The host's Kafka client settings, its clients, and the creation of the contract's topics. */
final class KafkaClients {

  /** The producer's {@code batch.size} unless {@code producer.batch.size} is set: 256 KiB. */
  static final int BATCH_BYTES = 256 * 1024;

  private final HostContext ctx;
  private final NodeConfig config;
  private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
  private volatile Admin admin;

  KafkaClients(HostContext ctx) {
    this.ctx = ctx;
    this.config = ctx.config;
  }

  /** The producer of the host, from the config's client factory. */
  Producer<String, byte[]> producer() {
    return config.clientFactory().producer(producerProps());
  }

  /** The consumer of the host, from the config's client factory. */
  Consumer<String, byte[]> consumer() {
    return config.clientFactory().consumer(consumerProps());
  }

  /** True once the topic is known to exist. */
  boolean known(String topic) {
    return knownTopics.contains(topic);
  }

  /**
   * Creates the host's topics that do not exist yet: with {@code own}, its mail, presence and
   * dead-letter topics; and the topics of these groups. Blocking; as {@link #ensureTopics}.
   */
  void ensureHostTopics(boolean own, Collection<String> groups) {
    Set<String> topics = new LinkedHashSet<>();
    if (own) {
      topics.add(ctx.layout.mailTo(ctx.hostId));
      topics.addAll(ctx.layout.presenceTopics());
      topics.add(ctx.deadLetterTopic);
    }
    for (String g : groups) {
      topics.add(ctx.layout.groupTopic(g));
    }
    ensureTopics(topics);
  }

  /**
   * Creates the topics that do not exist yet, with the contract's settings. Blocking. Does nothing
   * in a layout whose topics the operator creates ({@link TopicLayout#createsTopics()}).
   */
  void ensureTopics(Collection<String> topics) {
    if (!ctx.layout.createsTopics()) {
      return;
    }
    List<NewTopic> create = new ArrayList<>();
    for (String t : topics) {
      if (!knownTopics.contains(t)) {
        create.add(TopicSettings.newTopic(t));
      }
    }
    if (create.isEmpty()) {
      return;
    }
    if (config.clientFactory() != RealKafkaClients.INSTANCE) {
      try {
        config.clientFactory().createTopics(clientProps(Map.of()), create);
      } catch (RuntimeException ex) {
        throw new NodeException(ErrorCode.UNAVAILABLE, "cannot create topics " + topics + ": " + ex, ex);
      }
      create.forEach(t -> knownTopics.add(t.name()));
      return;
    }
    Map<String, org.apache.kafka.common.KafkaFuture<Void>> results = admin().createTopics(create).values();
    for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e : results.entrySet()) {
      try {
        e.getValue().get(HostContext.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw new NodeException(ErrorCode.UNAVAILABLE, "cannot create topic " + e.getKey() + ": " + ex.getCause(), ex);
        }
      } catch (Exception ex) {
        throw new NodeException(ErrorCode.UNAVAILABLE, "cannot create topic " + e.getKey() + ": " + ex, ex);
      }
      knownTopics.add(e.getKey());
    }
  }

  private Admin admin() {
    Admin a = admin;
    if (a == null) {
      synchronized (this) {
        if (admin == null) {
          admin = Admin.create(clientProps(Map.of(AdminClientConfig.CLIENT_ID_CONFIG,
              "fedstream-" + ctx.hostId + "-admin")));
        }
        a = admin;
      }
    }
    return a;
  }

  void close() {
    Admin a = admin;
    if (a != null) {
      a.close(Duration.ofSeconds(10));
    }
  }

  /** Bootstrap servers and the security settings, plus {@code extra}. */
  Map<String, Object> clientProps(Map<String, Object> extra) {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", config.bootstrapServers());
    config.clientSettings().forEach((k, v) -> {
      for (String prefix : NodeConfig.SECURITY_PREFIXES) {
        if (k.startsWith(prefix)) {
          p.put(k, v);
        }
      }
    });
    p.putAll(extra);
    return p;
  }

  Map<String, Object> producerProps() {
    Map<String, Object> p = clientProps(Map.of());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "fedstream-" + ctx.hostId + "-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, config.lingerMs());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSettings.MAX_MESSAGE_BYTES);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    // One partition takes at most 5 batches in flight: with Kafka's 16 KiB batches a stream of
    // small messages to one node is capped at 5 x 16 KiB per round trip to the broker.
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
    prefixed(NodeConfig.PRODUCER_PREFIX, p);
    return p;
  }

  Map<String, Object> consumerProps() {
    Map<String, Object> p = clientProps(Map.of());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "fedstream-" + ctx.hostId + "-consumer");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, ctx.layout.consumerGroup(ctx.hostId));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // the router writes routed events and triggers transactionally (exactly-once): skip aborted ones
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // One largest record per partition and fetch: a 128 MiB receiver of 1 MiB chunks spent a
    // quarter of its CPU in G1 (full collections) with 8 MiB fetches, far less with 3-4 MiB.
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicSettings.MAX_MESSAGE_BYTES);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    prefixed(NodeConfig.CONSUMER_PREFIX, p);
    return p;
  }

  private void prefixed(String prefix, Map<String, Object> into) {
    config.clientSettings().forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        into.put(k.substring(prefix.length()), v);
      }
    });
  }
}
