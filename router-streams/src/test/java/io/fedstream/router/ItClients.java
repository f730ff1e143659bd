package io.fedstream.router;

import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Subscription;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka clients of a router IT: a producer of wire-format records, read_committed readers. */
final class ItClients implements AutoCloseable {

  final Platform platform;
  final String ns;
  final AvroWire<Envelope> envelopes;
  final AvroWire<Subscription> subscriptions;
  final AvroWire<ConditionalEvent> registrations;
  final KafkaProducer<String, byte[]> producer;
  private final List<KafkaConsumer<String, byte[]>> consumers = new ArrayList<>();

  ItClients(Platform platform, String ns) {
    this.platform = platform;
    this.ns = ns;
    SchemaRegistryClient registry = SchemaRegistryClient.create(platform.registryUrl());
    envelopes = AvroWire.of(Envelope.class, registry);
    subscriptions = AvroWire.of(Subscription.class, registry);
    registrations = AvroWire.of(ConditionalEvent.class, registry);
    Map<String, Object> p = platform.clientProperties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Router settings for this namespace on the test platform. */
  Map<String, Object> routerSettings(Path stateDir, String instance) {
    Map<String, Object> m = new HashMap<>();
    m.put(RouterConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers());
    m.put(RouterConfig.REGISTRY_URL, platform.registryUrl());
    m.put(RouterConfig.NAMESPACE, ns);
    m.put(RouterConfig.STATE_DIR, stateDir.toString());
    m.put(RouterConfig.INSTANCE_ID, instance);
    m.put(RouterConfig.REPLICATION_FACTOR, "1");
    m.put("streams.metadata.max.age.ms", "1000");
    m.put("streams.consumer.session.timeout.ms", "6000");
    m.put("streams.consumer.heartbeat.interval.ms", "1000");
    m.put("streams.consumer.max.poll.interval.ms", "30000");
    return m;
  }

  void createEventTopic(String role) throws Exception {
    String t = Topics.events(ns, role);
    TopicSettings s = TopicSettings.forTopic(t);
    platform.admin().createTopics(List.of(new NewTopic(t, Optional.of(s.partitions()), Optional.empty())
        .configs(s.configs()))).all().get();
  }

  void send(String topic, String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  Subscription subscribe(Subscription s) throws Exception {
    String t = Topics.subscriptions(ns);
    send(t, s.getSubscriptionId(), subscriptions.encode(t, s));
    return s;
  }

  ConditionalEvent register(ConditionalEvent c) throws Exception {
    String t = Topics.conditionalEvents(ns);
    send(t, c.getRegistrationId(), registrations.encode(t, c));
    return c;
  }

  Envelope emit(String role, String instance, String channel, Map<String, io.fedstream.avro.Value> args)
      throws Exception {
    Envelope e = envelope(Kind.EVENT, instance, null, channel, args);
    String t = Topics.events(ns, role);
    send(t, instance, envelopes.encode(t, e));
    return e;
  }

  Envelope message(String source, String destination, String tag) throws Exception {
    Envelope e = envelope(Kind.MESSAGE, source, destination, tag, Map.of());
    String t = Topics.mailbox(ns);
    send(t, destination, envelopes.encode(t, e));
    return e;
  }

  static Envelope envelope(Kind kind, String source, String destination, String tag,
      Map<String, io.fedstream.avro.Value> args) {
    return Envelope.newBuilder().setMessageId(UUID.randomUUID().toString())
        .setSessionId(UUID.randomUUID().toString()).setKind(kind).setTag(tag).setSource(source)
        .setDestination(destination).setCreatedAt(Instant.now()).setArgs(new HashMap<>(args)).build();
  }

  /** A read_committed reader of a topic from the beginning. */
  KafkaConsumer<String, byte[]> reader(String topic) {
    Map<String, Object> p = platform.clientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, ns + "-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    c.subscribe(List.of(topic));
    consumers.add(c);
    return c;
  }

  /**
   * Polls until {@code done} holds for what was read so far, or the timeout passes; returns what
   * was read (decoded envelopes of the mailbox).
   */
  List<Envelope> readEnvelopes(KafkaConsumer<String, byte[]> c, String topic, Duration timeout,
      Predicate<List<Envelope>> done, List<Envelope> into) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.test(into) && System.nanoTime() < end) {
      for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
        if (r.value() != null) {
          Envelope e = envelopes.decode(topic, r.value());
          // the router's acknowledgements of accepted subscriptions are set apart from deliveries
          if (Harness.isAcknowledgement(e)) {
            acknowledged.add(e);
          } else {
            into.add(e);
          }
        }
      }
    }
    return into;
  }

  /** The acknowledgements of accepted subscriptions {@link #readEnvelopes} has read, in order. */
  final List<Envelope> acknowledged = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Like {@link #readEnvelopes} but keeps only TRIGGER envelopes. */
  List<Envelope> readTriggers(KafkaConsumer<String, byte[]> c, Duration timeout,
      Predicate<List<Envelope>> done, List<Envelope> into) {
    String topic = Topics.mailbox(ns);
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.test(into) && System.nanoTime() < end) {
      for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
        Envelope e = envelopes.decode(topic, r.value());
        if (e.getKind() == Kind.TRIGGER) {
          into.add(e);
        }
      }
    }
    return into;
  }

  @Override
  public void close() {
    consumers.forEach(KafkaConsumer::close);
    producer.close(Duration.ofSeconds(5));
  }
}
