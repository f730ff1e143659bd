package io.fedstream.bench;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.Value;
import io.fedstream.protocol.RouterContract;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The FedStream side of {@code router}: the router with 1,000 subscriptions, fed wire-encoded events. */
final class FedStreamRouter {
  private FedStreamRouter() {}

  /** The router's events: envelopes on the role's event topic with an {@code i} arg that matches one subscription. */
  static final class RouterSetup implements AutoCloseable {
    final String ns = FedStream.namespace("router");
    static final String ROLE = "bench-source";
    static final String CHANNEL = "tick";
    final String role = ROLE;
    final String channel = CHANNEL;
    final String topic;
    final List<byte[]> events = new ArrayList<>();
    final AvroWire<Envelope> envelopes;
    final AvroWire<Subscription> subscriptionWire;
    /** The partition the node SDK writes the channel's events to (RoutedRecords.channelPartition). */
    final int partition;

    RouterSetup(Cluster cluster, int distinct) {
      topic = Topics.events(ns, role);
      partition = io.fedstream.schemas.RoutedRecords.channelPartition(role, channel,
          TopicSettings.forTopic(topic).partitions());
      SchemaRegistryClient registry = SchemaRegistryClient.create(cluster.registryUrl());
      envelopes = AvroWire.of(Envelope.class, registry);
      subscriptionWire = AvroWire.of(Subscription.class, registry);
      for (int i = 0; i < distinct; i++) {
        Map<String, Value> args = new HashMap<>();
        args.put("i", new Value((long) i));
        args.put("loss", new Value(0.5));
        Envelope e = Envelope.newBuilder().setMessageId(UUID.randomUUID().toString())
            .setSessionId(UUID.randomUUID().toString()).setKind(Kind.EVENT).setTag(channel)
            .setSource("emitter-" + (i % 8)).setDestination(null).setCreatedAt(Instant.now()).setArgs(args).build();
        events.add(envelopes.encode(topic, e));
      }
    }

    @Override
    public void close() {}
  }

  /** Event bytes for the pass-through baseline, the same envelopes the router gets. */
  static List<byte[]> routerEvents(Cluster cluster, int distinct) {
    return new RouterSetup(cluster, distinct).events;
  }

  static Map<String, Double> router(Cluster cluster, int events, int subscriptions) throws Exception {
    RouterSetup s = new RouterSetup(cluster, subscriptions);
    TopicSettings settings = TopicSettings.forTopic(s.topic);
    cluster.createTopics(settings.partitions(), settings.configs(), s.topic);
    Path state = Files.createTempDirectory("bench-router-state");
    Map<String, Object> m = new HashMap<>();
    m.put(RouterConfig.BOOTSTRAP_SERVERS, cluster.bootstrap());
    m.put(RouterConfig.REGISTRY_URL, cluster.registryUrl());
    m.put(RouterConfig.NAMESPACE, s.ns);
    m.put(RouterConfig.STATE_DIR, state.toString());
    m.put(RouterConfig.INSTANCE_ID, "bench");
    m.put(RouterConfig.REPLICATION_FACTOR, "1");
    // -Dbench.router.<key>=<value> sets a router config key (e.g. num.stream.threads) for tuning runs
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.router."))
        .forEach(k -> m.put(k.substring("bench.router.".length()), System.getProperty(k)));
    java.util.Properties pp = Clients.producer(cluster, 5);
    try (Router router = Router.start(RouterConfig.of(m));
         KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
         KafkaConsumer<String, byte[]> reader = RouterWorkload.readCommitted(cluster)) {
      if (!router.awaitRunning(FedStream.START)) {
        throw new BenchException("router fedstream: the router is not RUNNING after " + FedStream.START);
      }
      String subs = Topics.subscriptions(s.ns);
      for (int i = 0; i < subscriptions; i++) {
        Subscription sub = RouterContract.checkSubscription(RouterContract.subscription("sub-" + i, s.role, s.channel)
            .setConditions(new HashMap<>(Map.of("i__eq", new Value((long) i)))).build());
        producer.send(new ProducerRecord<>(subs, sub.getSubscriptionId(), s.subscriptionWire.encode(subs, sub)));
      }
      producer.flush();
      String mailbox = Topics.mailbox(s.ns);
      reader.subscribe(List.of(mailbox));
      Clients.awaitAssignment(reader, Duration.ofSeconds(30));
      // Probe until every subscription has delivered once: the router holds all of them (and is warm).
      Set<String> seen = new HashSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (seen.size() < subscriptions) {
        if (System.nanoTime() > deadline) {
          throw new BenchException("router fedstream: only " + seen.size() + " of " + subscriptions
              + " subscriptions delivered within 120 s");
        }
        for (int i = 0; i < subscriptions; i++) {
          if (!seen.contains("sub-" + i)) {
            producer.send(new ProducerRecord<>(s.topic, s.partition, "emitter", s.events.get(i)));
          }
        }
        producer.flush();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until && seen.size() < subscriptions) {
          for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(100))) {
            seen.add(r.key());
          }
        }
      }
      // drain what the probes left behind
      while (!reader.poll(Duration.ofMillis(500)).isEmpty()) {
        // nothing: discard
      }
      long cpu = ProcessCpu.nanos();
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        producer.send(new ProducerRecord<>(s.topic, s.partition, "emitter-" + (i % 64), s.events.get(i % subscriptions)));
      }
      producer.flush();
      long end = RouterWorkload.countUntil(reader, events, "router fedstream");
      double seconds = (end - start) / 1e9;
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("events_per_s", events / seconds);
      v.put("process_s", seconds);
      v.put("cpu_us_per_event", (ProcessCpu.nanos() - cpu) / 1e3 / events);
      return v;
    } finally {
      FedStream.deleteTree(state);
    }
  }

}
