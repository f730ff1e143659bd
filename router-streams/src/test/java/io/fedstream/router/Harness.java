package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Liveness;
import io.fedstream.avro.Payload;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.avro.Value;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A router in a TopologyTestDriver, with the real wire format through the real registry. */
final class Harness implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final String ns = "ttd-" + UUID.randomUUID().toString().substring(0, 8);
  final RouterConfig config;
  final TopologyTestDriver driver;
  final SchemaRegistryClient registry;
  final AvroWire<Envelope> envelopes;
  final AvroWire<Subscription> subscriptionWire;
  final AvroWire<ConditionalEvent> registrationWire;
  final AvroWire<Heartbeat> heartbeatWire;
  final AvroWire<Liveness> livenessWire;
  final TestOutputTopic<String, byte[]> mailbox;
  final TestOutputTopic<String, byte[]> dlq;
  final TestOutputTopic<String, byte[]> liveness;
  final TestOutputTopic<String, byte[]> presenceEvents;
  final TestOutputTopic<String, byte[]> subscriptionsOut;
  private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
  long clock = T0.toEpochMilli();

  Harness(String registryUrl, Path stateDir, Map<String, Object> extra) {
    this(registryUrl, stateDir, extra, Map.of());
  }

  /** With {@code streamsOverrides} put over the router's Streams properties (measurements only). */
  Harness(String registryUrl, Path stateDir, Map<String, Object> extra, Map<String, Object> streamsOverrides) {
    Map<String, Object> m = new HashMap<>();
    m.put(RouterConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1");
    m.put(RouterConfig.REGISTRY_URL, registryUrl);
    m.put(RouterConfig.NAMESPACE, ns);
    m.put(RouterConfig.STATE_DIR, stateDir.toString());
    m.putAll(extra);
    config = RouterConfig.of(m);
    java.util.Properties props = config.streamsProperties();
    props.putAll(streamsOverrides);
    driver = new TopologyTestDriver(RouterTopology.build(config), props, T0);
    registry = SchemaRegistryClient.create(registryUrl);
    envelopes = AvroWire.of(Envelope.class, registry);
    subscriptionWire = AvroWire.of(Subscription.class, registry);
    registrationWire = AvroWire.of(ConditionalEvent.class, registry);
    heartbeatWire = AvroWire.of(Heartbeat.class, registry);
    livenessWire = AvroWire.of(Liveness.class, registry);
    mailbox = out(Topics.mailbox(ns));
    dlq = out(Topics.deadLetter(ns));
    liveness = out(Topics.liveness(ns));
    presenceEvents = out(Topics.events(ns, RoutedRecords.PRESENCE_ROLE));
    subscriptionsOut = out(Topics.subscriptions(ns));
  }

  /** Any topic the topology writes, internal ones included. */
  TestOutputTopic<String, byte[]> output(String topic) {
    return out(topic);
  }

  private TestOutputTopic<String, byte[]> out(String topic) {
    return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
  }

  TestInputTopic<String, byte[]> in(String topic) {
    return inputs.computeIfAbsent(topic, t -> driver.createInputTopic(t, new StringSerializer(),
        new ByteArraySerializer(), T0, Duration.ZERO));
  }

  void pipe(String topic, String key, byte[] value) {
    in(topic).pipeInput(key, value, Instant.ofEpochMilli(clock));
  }

  // --- subscriptions

  Subscription subscribe(String subscriber, String role, String channel, SubscriptionMode mode,
      Map<String, Value> conditions, String... instances) {
    Subscription s = RouterContract.subscription(subscriber, role, channel).setMode(mode)
        .setConditions(conditions).setInstances(List.of(instances)).build();
    String topic = Topics.subscriptions(ns);
    pipe(topic, s.getSubscriptionId(), subscriptionWire.encode(topic, s));
    // the router acknowledges an accepted subscription in the subscriber's mailbox: set it apart,
    // so that tests of routing read only deliveries and rejections
    pending.addAll(mailbox.readRecordsToList());
    pending.removeIf(r -> {
      Envelope e = envelopes.decode(Topics.mailbox(ns), r.value());
      if (isAcknowledgement(e)) {
        acknowledged.add(e);
        return true;
      }
      return false;
    });
    return s;
  }

  /** Acknowledgements of accepted subscriptions, in order, set apart by {@link #subscribe}. */
  final List<Envelope> acknowledged = new ArrayList<>();
  private final List<TestRecord<String, byte[]>> pending = new ArrayList<>();

  static boolean isAcknowledgement(Envelope e) {
    return e.getKind() == Kind.REPLY && e.getError() == null && RoutedRecords.SUBSCRIBE_TAG.equals(e.getTag())
        && RoutedRecords.ROUTER_SOURCE.equals(e.getSource());
  }

  /** The next mailbox record, those set apart by {@link #subscribe} first. */
  TestRecord<String, byte[]> nextMailboxRecord() {
    return pending.isEmpty() ? mailbox.readRecord() : pending.remove(0);
  }

  void unsubscribe(String id) {
    pipe(Topics.subscriptions(ns), id, null);
  }

  Envelope event(String role, String instance, String channel, Map<String, Value> args,
      Map<String, ByteBuffer> payloads) {
    List<Payload> ps = new ArrayList<>();
    payloads.forEach((k, v) -> ps.add(Payload.newBuilder().setName(k).setData(v).build()));
    Envelope e = envelope(Kind.EVENT, instance, null, channel, args).setPayloads(ps).build();
    String topic = Topics.events(ns, role);
    pipe(topic, instance, envelopes.encode(topic, e));
    return e;
  }

  static Envelope.Builder envelope(Kind kind, String source, String destination, String tag,
      Map<String, Value> args) {
    return Envelope.newBuilder().setMessageId(UUID.randomUUID().toString())
        .setSessionId(UUID.randomUUID().toString()).setKind(kind).setTag(tag).setSource(source)
        .setDestination(destination).setCreatedAt(T0).setArgs(new HashMap<>(args));
  }

  // --- register table

  ConditionalEvent register(String node, String handler, String expression) {
    ConditionalEvent c = ConditionalEvent.newBuilder()
        .setRegistrationId(UUID.randomUUID().toString()).setNodeId(node).setHandlerId(handler)
        .setExpression(expression).setCreatedAt(T0).build();
    String topic = Topics.conditionalEvents(ns);
    pipe(topic, c.getRegistrationId(), registrationWire.encode(topic, c));
    return c;
  }

  Envelope send(String source, String destination, String tag) {
    Envelope e = envelope(Kind.MESSAGE, source, destination, tag, Map.of()).build();
    String topic = Topics.mailbox(ns);
    pipe(topic, destination, envelopes.encode(topic, e));
    return e;
  }

  // --- presence

  void heartbeat(String node, PresenceStatus status, int timeoutMs, String... groups) {
    Heartbeat h = Heartbeat.newBuilder().setNodeId(node).setGroups(List.of(groups))
        .setStartedAt(T0).setSentAt(Instant.ofEpochMilli(clock)).setIntervalMs(timeoutMs / 3)
        .setTimeoutMs(timeoutMs).setStatus(status).build();
    String topic = Topics.presence(ns);
    pipe(topic, node, heartbeatWire.encode(topic, h));
  }

  /** Moves both the record clock and the driver's wall clock. */
  void advance(Duration d) {
    clock += d.toMillis();
    driver.advanceWallClockTime(d);
  }

  // --- reading

  /** Mailbox records the router wrote, decoded, in order (drains the topic). */
  List<Envelope> mailboxEnvelopes() {
    List<Envelope> out = new ArrayList<>();
    List<TestRecord<String, byte[]>> records = new ArrayList<>(pending);
    pending.clear();
    records.addAll(mailbox.readRecordsToList());
    for (TestRecord<String, byte[]> r : records) {
      Envelope e = envelopes.decode(Topics.mailbox(ns), r.value());
      if (isAcknowledgement(e)) {
        acknowledged.add(e);
        continue;
      }
      if (!r.key().equals(e.getDestination())) {
        throw new AssertionError("mailbox record keyed " + r.key() + " for destination " + e.getDestination());
      }
      out.add(e);
    }
    return out;
  }

  List<Envelope> decode(TestOutputTopic<String, byte[]> topic, String name) {
    List<Envelope> out = new ArrayList<>();
    for (byte[] v : topic.readValuesToList()) {
      out.add(envelopes.decode(name, v));
    }
    return out;
  }

  @Override
  public void close() {
    driver.close();
  }
}
