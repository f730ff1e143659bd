package io.fedstream.node.internal;

import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.Kind;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.avro.Transfer;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import io.fedstream.node.NodeHost;
import io.fedstream.node.NodeSpec;
import io.fedstream.node.Payload;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.schemas.wire.SchemaRegistryException;
import io.fedstream.schemas.wire.WireFormatException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The node host: one producer, one consumer (on its own poll thread), a timer and a pool of
 * delivery threads, serving any number of {@link LocalNode}s.
 */
public final class NodeHostImpl implements NodeHost {

  private static final Logger LOG = LoggerFactory.getLogger(NodeHostImpl.class);
  private static final long TRANSFER_STALL_MS = 5 * 60_000L;
  /** The producer's {@code batch.size} unless {@code producer.batch.size} is set: 256 KiB. */
  static final int BATCH_BYTES = 256 * 1024;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  final NodeConfig config;
  final String namespace;
  final String hostId;
  final String mailbox;
  final String presenceTopic;
  final String deadLetterTopic;
  final Duration defaultDeadline;
  final Scheduler timer;
  final Scheduler delivery;
  final Calls calls = new Calls();
  final PresenceTable presence = new PresenceTable();
  final Metrics metrics;
  /** Held while a heartbeat is built and handed to the producer, and while a node's spec changes. */
  final Object heartbeatLock = new Object();
  private final HandlerLanes lanes;

  private final MeterRegistry meterRegistry;
  private final Map<String, LocalNode> nodes = new ConcurrentHashMap<>();
  private final Map<String, Set<LocalNode>> groupMembers = new ConcurrentHashMap<>();
  private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final Offsets offsets = new Offsets();
  private final Instant startedAt = Instant.now();
  private final Object lifecycle = new Object();

  private SchemaRegistryClient registry;
  private EnvelopeCodec codec;
  private AvroWire<Heartbeat> heartbeats;
  private AvroWire<io.fedstream.avro.Subscription> subscriptions;
  private AvroWire<io.fedstream.avro.ConditionalEvent> registrations;
  private SeenIds seen;
  private Reassembler reassembler;
  private KafkaProducer<String, byte[]> producer;
  private KafkaConsumer<String, byte[]> consumer;
  private Admin admin;
  private Thread pollThread;
  private int mailboxPartitions;
  private final Set<TopicPartition> assigned = new HashSet<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private Mono<Void> started;
  private volatile boolean running;
  private volatile boolean closed;
  private reactor.core.Disposable ticks;

  private NodeHostImpl(NodeConfig config) {
    this.config = config;
    this.namespace = config.namespace();
    this.hostId = config.hostId();
    if (hostId.isEmpty()) {
      throw new IllegalArgumentException("Host id required: set " + NodeConfig.HOST_ID + " (or "
          + NodeConfig.NODE_ID + " for a standalone node).");
    }
    this.mailbox = Topics.mailbox(namespace);
    this.presenceTopic = Topics.presence(namespace);
    this.deadLetterTopic = Topics.deadLetter(namespace);
    this.defaultDeadline = Duration.ofMillis(config.requestTimeoutMs());
    this.meterRegistry = config.meterRegistry() != null ? config.meterRegistry() : new SimpleMeterRegistry();
    this.metrics = new Metrics(meterRegistry, namespace, hostId);
    this.timer = Schedulers.newSingle("fedstream-" + hostId + "-timer", true);
    this.delivery = Schedulers.newBoundedElastic(config.deliveryThreads(), 100_000, "fedstream-" + hostId + "-deliver",
        60, true);
    this.lanes = new HandlerLanes(hostId, config.handlerThreads(), timer);
  }

  /** A host (see {@link NodeHost#create}). */
  public static NodeHost create(NodeConfig config) {
    return new NodeHostImpl(config);
  }

  /** A standalone node: a host with one node whose close closes the host. */
  public static Node standalone(NodeConfig config) {
    if (config.nodeId().isEmpty()) {
      throw new IllegalArgumentException("Node id required: set " + NodeConfig.NODE_ID + ".");
    }
    return standalone(config, NodeSpec.of(config.nodeId(), config.groups()));
  }

  /** A standalone node of a spec; the host id is the config's, else the node id. */
  public static Node standalone(NodeConfig config, NodeSpec spec) {
    java.util.Objects.requireNonNull(spec, "spec");
    NodeConfig c = config.hostId().isEmpty() ? config.toBuilder().nodeId(spec.id()).build() : config;
    NodeHostImpl host = new NodeHostImpl(c);
    return host.add(spec, true);
  }

  @Override
  public Node addNode(String nodeId, Collection<String> groups) {
    if (nodeId == null || !nodeId.matches("[A-Za-z0-9._:-]{1,200}")) {
      throw new IllegalArgumentException("Node id '" + nodeId + "' is not valid: use letters, digits, '.', '_', ':'"
          + " and '-', at most 200 characters.");
    }
    return add(NodeSpec.of(nodeId, groups), false);
  }

  @Override
  public Node addNode(NodeSpec spec) {
    return add(java.util.Objects.requireNonNull(spec, "spec"), false);
  }

  private LocalNode add(NodeSpec spec, boolean standalone) {
    String nodeId = spec.id();
    Set<String> gs = new LinkedHashSet<>();
    for (String g : spec.groups()) {
      gs.add(Topics.requireName("group", g));
    }
    if (closed) {
      throw new IllegalStateException("Host '" + hostId + "' is closed.");
    }
    LocalNode n = new LocalNode(spec, gs.toArray(new String[0]), this, standalone);
    if (nodes.putIfAbsent(nodeId, n) != null) {
      throw new IllegalArgumentException("Node '" + nodeId + "' is already hosted by '" + hostId + "'.");
    }
    for (String g : gs) {
      groupMembers.computeIfAbsent(g, k -> ConcurrentHashMap.newKeySet()).add(n);
    }
    return n;
  }

  @Override
  public int size() {
    return nodes.size();
  }

  @Override
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public Mono<Void> start() {
    synchronized (lifecycle) {
      if (closed) {
        return Mono.error(new NodeException(ErrorCode.CANCELLED, "host '" + hostId + "' is closed"));
      }
      if (started == null) {
        started = Mono.<Void>fromRunnable(this::doStart).subscribeOn(delivery).cache();
      }
      return started;
    }
  }

  private void doStart() {
    try {
      registry = SchemaRegistryClient.create(config.registryUrl());
      codec = new EnvelopeCodec(registry);
      heartbeats = AvroWire.of(Heartbeat.class, registry);
      subscriptions = AvroWire.of(io.fedstream.avro.Subscription.class, registry);
      registrations = AvroWire.of(io.fedstream.avro.ConditionalEvent.class, registry);
      Path stateDir = config.stateDir().isEmpty() ? null : Paths.get(config.stateDir());
      seen = new SeenIds(config.dedupCapacity(), stateDir == null ? null
          : stateDir.resolve("fedstream-" + namespace + "-" + hostId + ".seen"));
      reassembler = new Reassembler(Paths.get(config.transferDir()), TRANSFER_STALL_MS);
      admin = Admin.create(clientProps(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "fedstream-" + hostId + "-admin")));
      Set<String> topics = new LinkedHashSet<>(List.of(mailbox, presenceTopic, deadLetterTopic));
      for (String g : groupMembers.keySet()) {
        topics.add(Topics.group(namespace, g));
      }
      ensureTopics(topics);
      codec.register(mailbox);
      heartbeats.schemaId(presenceTopic);
      producer = new KafkaProducer<>(producerProps(), new StringSerializer(), new ByteArraySerializer());
      consumer = new KafkaConsumer<>(consumerProps(), new StringDeserializer(), new ByteArrayDeserializer());
      mailboxPartitions = partitions(mailbox).size();
      assign(nodes.values());
      for (LocalNode n : nodes.values()) {
        n.attached = true;
      }
      catchUpPresence();
      running = true;
      pollThread = new PollThread(this::pollLoop, "fedstream-" + hostId + "-poll");
      pollThread.setDaemon(true);
      pollThread.start();
      List<CompletableFuture<?>> acks = new ArrayList<>();
      for (LocalNode n : nodes.values()) {
        acks.add(heartbeat(n, PresenceStatus.ALIVE));
      }
      CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      int every = Math.min(config.heartbeatIntervalMs(), 250);
      ticks = Flux.interval(Duration.ofMillis(every), timer).subscribe(i -> tick(i * every));
      LOG.info("host {} started in namespace {} with {} node(s), mailbox partitions {}", hostId, namespace,
          nodes.size(), assignedMailbox());
    } catch (SchemaRegistryException e) {
      throw new NodeException(ErrorCode.UNAVAILABLE, "schema registry at " + config.registryUrl()
          + " failed: " + e.getMessage(), e);
    } catch (NodeException e) {
      throw e;
    } catch (Exception e) {
      throw new NodeException(ErrorCode.UNAVAILABLE, "cannot start host '" + hostId + "' on "
          + config.bootstrapServers() + ": " + e, e);
    }
  }

  private long lastBeat;

  private void tick(long elapsedMs) {
    if (closed) {
      return;
    }
    long now = System.currentTimeMillis();
    presence.expire(now);
    if (now - lastBeat >= config.heartbeatIntervalMs()) {
      lastBeat = now;
      for (LocalNode n : nodes.values()) {
        if (n.attached) {
          heartbeat(n, PresenceStatus.ALIVE);
        }
      }
    }
  }

  /** Makes a node added after start part of the assignment and announces it. */
  Mono<Void> attach(LocalNode n) {
    return Mono.<Void>fromRunnable(() -> {
      if (n.attached) {
        return;
      }
      Set<String> topics = new LinkedHashSet<>();
      for (String g : n.groups) {
        topics.add(Topics.group(namespace, g));
      }
      ensureTopics(topics);
      CompletableFuture<Void> done = new CompletableFuture<>();
      commands.add(() -> {
        for (int attempt = 1; ; attempt++) {
          try {
            assign(List.of(n));
            done.complete(null);
            return;
          } catch (WakeupException e) {
            if (attempt == 3) {
              done.completeExceptionally(e);
              return;
            }
            // a wakeup meant for poll() landed in assign(); it is consumed now, so try again
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return;
          }
        }
      });
      consumer.wakeup();
      try {
        done.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        n.attached = true;
        heartbeat(n, PresenceStatus.ALIVE).get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new NodeException(ErrorCode.UNAVAILABLE, "cannot attach node '" + n.id + "': " + e, e);
      }
    }).subscribeOn(delivery);
  }

  void removeNode(LocalNode n) {
    if (nodes.remove(n.id, n)) {
      for (String g : n.groups) {
        Set<LocalNode> s = groupMembers.get(g);
        if (s != null) {
          s.remove(n);
        }
      }
      if (producer != null && !closed) {
        producer.send(new ProducerRecord<>(presenceTopic, n.id, null));
      }
      n.closeInbound();
    }
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (ticks != null) {
      ticks.dispose();
    }
    if (producer != null) {
      for (LocalNode n : nodes.values()) {
        if (n.attached) {
          producer.send(new ProducerRecord<>(presenceTopic, n.id, null));
        }
      }
      producer.flush();
    }
    running = false;
    if (pollThread != null) {
      consumer.wakeup();
      try {
        pollThread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    calls.cancelAll(new NodeException(ErrorCode.CANCELLED, "host '" + hostId + "' closed"));
    for (LocalNode n : nodes.values()) {
      n.closeInbound();
    }
    presence.complete();
    if (producer != null) {
      producer.close(Duration.ofSeconds(30));
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(10));
    }
    if (reassembler != null) {
      reassembler.closeAll();
    }
    if (seen != null) {
      seen.close();
    }
    lanes.shutdown();
    timer.dispose();
    delivery.dispose();
    LOG.info("host {} closed", hostId);
  }

  // ---------------------------------------------------------------- topics and assignment

  private void ensureTopics(Collection<String> topics) {
    List<NewTopic> create = new ArrayList<>();
    for (String t : topics) {
      if (!knownTopics.contains(t)) {
        TopicSettings s = TopicSettings.forTopic(t);
        create.add(new NewTopic(t, Optional.of(s.partitions()), Optional.empty()).configs(s.configs()));
      }
    }
    if (create.isEmpty()) {
      return;
    }
    Map<String, org.apache.kafka.common.KafkaFuture<Void>> results = admin.createTopics(create).values();
    for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e : results.entrySet()) {
      try {
        e.getValue().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
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

  private List<PartitionInfo> partitions(String topic) {
    long end = System.currentTimeMillis() + START_TIMEOUT.toMillis();
    while (true) {
      List<PartitionInfo> p = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (p != null && !p.isEmpty()) {
        return p;
      }
      if (System.currentTimeMillis() > end) {
        throw new NodeException(ErrorCode.UNAVAILABLE, "topic " + topic + " has no partitions");
      }
      try {
        Thread.sleep(50); // metadata of a just-created topic propagates; there is no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeException(ErrorCode.CANCELLED, "interrupted");
      }
    }
  }

  static int partitionOf(String nodeId, int partitions) {
    return Utils.toPositive(Utils.murmur2(nodeId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** Extends the assignment with what these nodes need; poll thread (or start, before it runs). */
  private void assign(Collection<LocalNode> added) {
    Set<TopicPartition> fresh = new LinkedHashSet<>();
    if (assigned.isEmpty()) {
      for (PartitionInfo p : partitions(presenceTopic)) {
        fresh.add(new TopicPartition(presenceTopic, p.partition()));
      }
    }
    for (LocalNode n : added) {
      fresh.add(new TopicPartition(mailbox, partitionOf(n.id, mailboxPartitions)));
      for (String g : n.groups) {
        String t = Topics.group(namespace, g);
        for (PartitionInfo p : partitions(t)) {
          fresh.add(new TopicPartition(t, p.partition()));
        }
      }
    }
    fresh.removeAll(assigned);
    if (fresh.isEmpty()) {
      return;
    }
    Set<TopicPartition> all = new HashSet<>(assigned);
    all.addAll(fresh);
    consumer.assign(all);
    Set<TopicPartition> committable = new HashSet<>();
    for (TopicPartition tp : fresh) {
      if (!tp.topic().equals(presenceTopic)) {
        committable.add(tp);
      }
    }
    Map<TopicPartition, OffsetAndMetadata> committed = committable.isEmpty() ? Map.of()
        : consumer.committed(committable, Duration.ofSeconds(30));
    for (TopicPartition tp : fresh) {
      OffsetAndMetadata c = committed.get(tp);
      if (tp.topic().equals(presenceTopic)) {
        consumer.seekToBeginning(List.of(tp));
      } else if (c != null) {
        consumer.seek(tp, c.offset());
      } else if (tp.topic().equals(mailbox) && config.mailboxReset().equals("earliest")) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seekToEnd(List.of(tp));
      }
    }
    for (TopicPartition tp : fresh) {
      consumer.position(tp, Duration.ofSeconds(30)); // resolve now, so nothing sent after start is missed
    }
    assigned.addAll(fresh);
  }

  private void catchUpPresence() {
    Set<TopicPartition> ps = new HashSet<>();
    for (TopicPartition tp : assigned) {
      if (tp.topic().equals(presenceTopic)) {
        ps.add(tp);
      }
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(ps, Duration.ofSeconds(30));
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      boolean behind = false;
      for (TopicPartition tp : ps) {
        if (consumer.position(tp) < ends.get(tp)) {
          behind = true;
        }
      }
      if (!behind) {
        return;
      }
      handle(consumer.poll(Duration.ofMillis(100)));
    }
    LOG.warn("host {}: presence topic not caught up after 30 s; continuing", hostId);
  }

  private String assignedMailbox() {
    List<Integer> ps = new ArrayList<>();
    for (TopicPartition tp : assigned) {
      if (tp.topic().equals(mailbox)) {
        ps.add(tp.partition());
      }
    }
    java.util.Collections.sort(ps);
    return ps.toString();
  }

  // ---------------------------------------------------------------- poll loop

  private void pollLoop() {
    long lastCommit = System.currentTimeMillis();
    long lastExpire = lastCommit;
    try {
      while (running) {
        Runnable c;
        while ((c = commands.poll()) != null) {
          c.run();
        }
        updatePauses();
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(paused.isEmpty() ? 500 : 20));
        } catch (WakeupException e) {
          continue;
        }
        handle(records);
        long now = System.currentTimeMillis();
        if (now - lastCommit >= config.commitIntervalMs()) {
          lastCommit = now;
          Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
          if (!commit.isEmpty()) {
            consumer.commitAsync(commit, (o, e) -> {
              if (e != null) {
                LOG.warn("host {}: commit failed (will be retried with later positions): {}", hostId, e.toString());
              }
            });
          }
        }
        if (now - lastExpire >= 1000) {
          lastExpire = now;
          reassembler.expire(now);
        }
      }
    } catch (Throwable t) {
      LOG.error("host {}: poll loop failed; the host stops receiving", hostId, t);
    } finally {
      try {
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        if (!commit.isEmpty()) {
          try {
            consumer.commitSync(commit, Duration.ofSeconds(10));
          } catch (WakeupException e) {
            consumer.commitSync(commit, Duration.ofSeconds(10)); // the close's wakeup landed here; once more
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("host {}: final commit failed: {}", hostId, e.toString());
      }
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
    }
  }

  private void updatePauses() {
    int high = config.receiveBuffer();
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (TopicPartition tp : assigned) {
      if (tp.topic().equals(presenceTopic)) {
        continue;
      }
      int n = offsets.inMemory(tp);
      if (!paused.contains(tp) && n >= high) {
        pause.add(tp);
      } else if (paused.contains(tp) && n <= high / 2) {
        resume.add(tp);
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
      paused.addAll(pause);
      pausedView.addAll(pause);
      LOG.debug("host {}: paused {}", hostId, pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
      paused.removeAll(resume);
      pausedView.removeAll(resume);
      LOG.debug("host {}: resumed {}", hostId, resume);
    }
  }

  private final Set<TopicPartition> pausedView = ConcurrentHashMap.newKeySet();

  /** True when a node's mailbox partition is paused for backpressure (for tests). */
  boolean mailboxPaused(String nodeId) {
    return pausedView.contains(new TopicPartition(mailbox, partitionOf(nodeId, mailboxPartitions)));
  }

  private void handle(ConsumerRecords<String, byte[]> records) {
    long now = System.currentTimeMillis();
    for (TopicPartition tp : records.partitions()) {
      for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
        if (!handle(tp, r, now)) {
          consumer.seek(tp, r.offset());
          break;
        }
      }
    }
  }

  /** Handles one record; false when it must be read again later (the registry is unreachable). */
  private boolean handle(TopicPartition tp, ConsumerRecord<String, byte[]> r, long now) {
    String topic = r.topic();
    if (topic.equals(presenceTopic)) {
      try {
        presence.onHeartbeat(r.key(), heartbeats.decode(topic, r.value()), now);
      } catch (WireFormatException e) {
        deadLetter(r, e);
      } catch (SchemaRegistryException e) {
        LOG.warn("host {}: registry unavailable reading presence: {}", hostId, e.getMessage());
        return false;
      }
      return true;
    }
    Collection<LocalNode> targets;
    if (topic.equals(mailbox)) {
      LocalNode n = r.key() == null ? null : nodes.get(r.key());
      if (n == null) {
        offsets.skip(tp, r.offset());
        return true;
      }
      targets = List.of(n);
    } else {
      Set<LocalNode> members = groupMembers.get(topic.substring(namespace.length() + Topics.GROUP.length() + 2));
      if (members == null || members.isEmpty()) {
        offsets.skip(tp, r.offset());
        return true;
      }
      targets = members;
    }
    Envelope e;
    try {
      e = isChunk(r) ? codec.decodeChunk(topic, r.value()) : codec.decode(topic, r.value());
    } catch (WireFormatException ex) {
      deadLetter(r, ex);
      offsets.skip(tp, r.offset());
      return true;
    } catch (SchemaRegistryException ex) {
      LOG.warn("host {}: registry unavailable, will read {} again: {}", hostId, tp, ex.getMessage());
      return false;
    } catch (RuntimeException ex) {
      deadLetter(r, ex);
      offsets.skip(tp, r.offset());
      return true;
    }
    metrics.received(r.serializedValueSize());
    if (e.getKind() == Kind.CHUNK) {
      reassembler.chunk(topic, e, offsets.open(tp, r.offset(), false), now);
      return true;
    }
    Offsets.Token token = offsets.open(tp, r.offset(), true);
    Message m = toMessage(topic, e, token);
    List<LocalNode> to = new ArrayList<>();
    for (LocalNode n : targets) {
      if (!n.id.equals(e.getSource()) || topic.equals(mailbox)) {
        to.add(n);
      }
    }
    if (to.isEmpty()) {
      token.done();
      return true;
    }
    for (int i = 1; i < to.size(); i++) {
      token.retain();
    }
    for (LocalNode n : to) {
      dispatch(n, m, token, now, r);
    }
    return true;
  }

  private static boolean isChunk(ConsumerRecord<String, byte[]> r) {
    org.apache.kafka.common.header.Header h = r.headers().lastHeader(io.fedstream.schemas.RecordHeaders.KIND);
    return h != null && java.util.Arrays.equals(CHUNK_KIND, h.value());
  }

  private static final byte[] CHUNK_KIND = Kind.CHUNK.name().getBytes(StandardCharsets.UTF_8);

  private Message toMessage(String topic, Envelope e, Offsets.Token token) {
    List<Payload> payloads = new ArrayList<>();
    Message.Error error = null;
    for (io.fedstream.avro.Payload p : e.getPayloads()) {
      Transfer t = p.getTransfer();
      if (t != null) {
        Reassembler.Result res = reassembler.complete(topic, p.getName(), t);
        token.adopt(res.tokens);
        if (res.error != null) {
          error = new Message.Error(ErrorCode.CORRUPT_PAYLOAD, res.error, Map.of("payload", p.getName()));
          metrics.corrupt.increment();
        } else {
          payloads.add(Payload.ofFile(p.getName(), res.file).withContentType(p.getContentType()));
        }
      } else {
        byte[] data = Reassembler.bytes(p.getData());
        payloads.add(p.getSchemaId() != null ? Payload.ofAvro(p.getName(), p.getSchemaId(), data)
            .withContentType(p.getContentType()) : Payload.ofBytes(p.getName(), p.getContentType(), data));
      }
    }
    return EnvelopeCodec.toMessage(e, payloads, error);
  }

  private void dispatch(LocalNode n, Message received, Offsets.Token token, long now, ConsumerRecord<String, byte[]> r) {
    String key = n.id + '|' + received.id();
    if (!seen.firstTime(key)) {
      metrics.duplicates.increment();
      token.done();
      return;
    }
    Message m;
    try {
      m = n.interceptors.inbound(n.id, r.topic(), received);
    } catch (NodeException ex) {
      new Delivery(received, token, key, seen).processed();
      interceptorFailed(n, received, ex, r);
      return;
    }
    Delivery d = new Delivery(m, token, key, seen);
    if (m.kind() == Message.Kind.REPLY && m.inReplyTo().isPresent()) {
      if (calls.deliver(m)) {
        d.processed();
        return;
      }
      if (Wire.isCall(m) || late(m, now)) {
        LOG.info("node {}: late reply {} to request {} from {} dropped (the caller gave up)", n.id, m.id(),
            m.inReplyTo().get(), m.source());
        metrics.lateReplies.increment();
        d.processed();
        return;
      }
    }
    if (m.kind() == Message.Kind.REQUEST && late(m, now)) {
      LOG.info("node {}: request {} '{}' from {} arrived after its deadline; dropped", n.id, m.id(), m.tag(), m.source());
      metrics.lateRequests.increment();
      d.processed();
      return;
    }
    n.offer(d);
  }

  private static boolean late(Message m, long now) {
    return m.deadline().map(dl -> dl.toEpochMilli() < now).orElse(false);
  }

  /**
   * An inbound interceptor failed on a message: a request gets an error reply, a reply completes
   * its call with the error, anything else is dead-lettered. Nothing else is affected.
   */
  private void interceptorFailed(LocalNode n, Message m, NodeException ex, ConsumerRecord<String, byte[]> r) {
    LOG.warn("node {}: inbound interceptor failed on {} '{}' from {}: {}", n.id, m.id(), m.tag(), m.source(),
        ex.getMessage());
    metrics.interceptorFailures.increment();
    if (m.kind() == Message.Kind.REQUEST && (m.replyTo().isPresent() || m.source() != null)) {
      n.replyError(m, ex.errorCode(), ex.reason(), false)
          .subscribe(null, e -> LOG.warn("node {}: cannot reply to {}: {}", n.id, m.id(), e.toString()));
      return;
    }
    if (m.kind() == Message.Kind.REPLY && m.inReplyTo().isPresent()
        && calls.deliver(m.toBuilder().clearArgs().clearPayloads().error(ex.errorCode(), ex.reason()).build())) {
      return;
    }
    deadLetter(r, ex.errorCode(), ex.reason());
  }

  private void deadLetter(ConsumerRecord<String, byte[]> r, RuntimeException why) {
    String problem = why instanceof WireFormatException ? ((WireFormatException) why).problem().name() : "GARBAGE";
    deadLetter(r, ErrorCode.DECODE, problem + ": " + why.getMessage());
  }

  private void deadLetter(ConsumerRecord<String, byte[]> r, ErrorCode code, String reason) {
    LOG.warn("host {}: dead-lettering {}-{}@{}: {}", hostId, r.topic(), r.partition(), r.offset(), reason);
    Headers h = new RecordHeaders(r.headers().toArray());
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_CODE, code.name().getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_TOPIC, r.topic().getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_PARTITION,
        Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_OFFSET,
        Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_BY, hostId.getBytes(StandardCharsets.UTF_8)));
    producer.send(new ProducerRecord<>(deadLetterTopic, null, r.key(), r.value(), h), (md, ex) -> {
      if (ex != null) {
        LOG.error("host {}: cannot dead-letter {}-{}@{}: {}", hostId, r.topic(), r.partition(), r.offset(), ex.toString());
      }
    });
    metrics.deadLettered.increment();
  }

  // ---------------------------------------------------------------- handlers

  /**
   * Runs a served handler: on a worker lane of its caller (the default) or, when opted in, here on
   * the poll thread. A request's reply (or its error) goes out in the lane's request order.
   */
  void runHandler(LocalNode n, LocalNode.Served served, Delivery d) {
    Message m = d.message;
    if (served.options().onPollThread()) {
      invoke(n, served.handler(), d, null);
      return;
    }
    boolean request = m.kind() == Message.Kind.REQUEST;
    long deadline = m.deadline().map(Instant::toEpochMilli).orElse(0L);
    try {
      lanes.submit(n.id + '|' + m.source(), request, deadline, slot -> invoke(n, served.handler(), d, slot));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      d.processed(); // the host is closing
    }
  }

  private void invoke(LocalNode n, java.util.function.Function<Message, Mono<Message>> handler, Delivery d,
      HandlerLanes.Slot slot) {
    Message m = d.message;
    boolean request = m.kind() == Message.Kind.REQUEST;
    Mono<Optional<Message>> result = Mono.defer(() -> handler.apply(m)).map(Optional::of).defaultIfEmpty(Optional.empty());
    if (!request) {
      result.doFinally(s -> d.processed())
          .subscribe(null, e -> LOG.warn("node {}: handler of '{}' failed on {}: {}", n.id, m.tag(), m.id(), e.toString()));
      return;
    }
    result.subscribe(
        reply -> answer(n, d, slot, () -> n.reply(m, reply.orElseGet(() -> Message.builder().tag(m.tag()).build()), false)),
        e -> {
          ErrorCode code = e instanceof NodeException ? ((NodeException) e).errorCode() : ErrorCode.HANDLER;
          String reason = e instanceof NodeException ? ((NodeException) e).reason() : String.valueOf(e);
          answer(n, d, slot, () -> n.replyError(m, code, reason, false));
        });
  }

  private static void answer(LocalNode n, Delivery d, HandlerLanes.Slot slot, java.util.function.Supplier<Mono<Void>> reply) {
    Runnable send = () -> {
      Mono<Void> sent;
      try {
        sent = reply.get();
      } catch (RuntimeException e) {
        sent = Mono.error(e);
      }
      sent.doFinally(s -> d.processed())
          .subscribe(null, e -> LOG.error("node {}: cannot reply to {}: {}", n.id, d.message.id(), e.toString()));
    };
    if (slot == null) {
      send.run();
    } else {
      slot.release(send);
    }
  }

  // ---------------------------------------------------------------- sending

  Mono<Void> awaitAlive(String nodeId, Duration deadline) {
    return Mono.defer(() -> {
      if (presence.alive(nodeId)) {
        return Mono.empty();
      }
      Duration wait = Duration.ofMillis(Math.min(deadline.toMillis(), config.livenessTimeoutMs()));
      return Flux.merge(presence.events().filter(e -> e.type() == io.fedstream.node.PresenceEvent.Type.JOINED
                  && e.nodeId().equals(nodeId)).map(e -> true),
              Mono.fromCallable(() -> presence.alive(nodeId)).filter(b -> b))
          .next()
          .timeout(wait, Mono.error(() -> new NodeException.NotFoundException("node '" + nodeId
              + "' is not alive in namespace '" + namespace + "' (no heartbeat within " + wait.toMillis() + " ms)")), timer)
          .then();
    });
  }

  Mono<Void> sendToGroup(String group, Message m) {
    return sendEnsured(Topics.group(namespace, group), m.source(), m);
  }

  /** Sends to a topic created on demand with the contract's settings. */
  Mono<Void> sendEnsured(String topic, String key, Message m) {
    return Mono.defer(() -> {
      if (knownTopics.contains(topic)) {
        return send(topic, key, m);
      }
      return Mono.fromRunnable(() -> ensureTopics(List.of(topic))).subscribeOn(delivery).then(send(topic, key, m));
    });
  }

  private final Map<String, Integer> eventPartitions = new ConcurrentHashMap<>();

  /**
   * Sends an event keyed by its role instance to the partition of its channel
   * ({@link RoutedRecords#channelPartition}), where the router reads it without re-keying it; the
   * topic is created on demand.
   */
  Mono<Void> sendEvent(String topic, String role, String channel, String instance, Message m) {
    return Mono.defer(() -> {
      Integer partitions = eventPartitions.get(topic);
      if (partitions == null && (closed || producer == null)) {
        return send(topic, instance, m); // fails with the host's state
      }
      Mono<Integer> count = partitions != null ? Mono.just(partitions) : Mono.fromCallable(() -> {
        ensureTopics(List.of(topic));
        int n = producer.partitionsFor(topic).size();
        eventPartitions.put(topic, n);
        return n;
      }).subscribeOn(delivery);
      return count.flatMap(n -> send(topic, RoutedRecords.channelPartition(role, channel, n), instance, m, true));
    });
  }

  /** Writes a subscription record keyed by its id; completes on the broker's acknowledgement. */
  Mono<Void> writeSubscription(String id, String subscriber, io.fedstream.node.EventSubscription s) {
    return Mono.defer(() -> {
      Map<String, io.fedstream.avro.Value> conditions = new java.util.LinkedHashMap<>();
      s.conditions().forEach((k, v) -> conditions.put(k, EnvelopeCodec.toValue(v)));
      io.fedstream.avro.Subscription rec = io.fedstream.avro.Subscription.newBuilder()
          .setSubscriptionId(id).setSubscriber(subscriber).setRole(s.role()).setChannel(s.channel())
          .setInstances(new ArrayList<>(s.instances())).setRelationship(null)
          .setMode(io.fedstream.avro.SubscriptionMode.valueOf(s.mode().name()))
          .setConditions(conditions).setCreatedAt(Instant.now()).build();
      String topic = Topics.subscriptions(namespace);
      return writeRecord(topic, id, () -> subscriptions.encode(topic, rec));
    });
  }

  /** Writes a register-table record keyed by its id; completes on the broker's acknowledgement. */
  Mono<Void> writeRegistration(String id, String nodeId, String handlerId, String expression) {
    return Mono.defer(() -> {
      io.fedstream.avro.ConditionalEvent rec = io.fedstream.avro.ConditionalEvent.newBuilder()
          .setRegistrationId(id).setNodeId(nodeId).setHandlerId(handlerId).setExpression(expression)
          .setCreatedAt(Instant.now()).build();
      String topic = Topics.conditionalEvents(namespace);
      return writeRecord(topic, id, () -> registrations.encode(topic, rec));
    });
  }

  private Mono<Void> writeRecord(String topic, String key, java.util.concurrent.Callable<byte[]> value) {
    return Mono.<Void>create(sink -> {
      if (closed || producer == null) {
        sink.error(new NodeException(ErrorCode.CANCELLED, closed ? "host '" + hostId + "' is closed"
            : "host '" + hostId + "' is not started: call start() first"));
        return;
      }
      byte[] bytes;
      try {
        ensureTopics(List.of(topic));
        bytes = value.call();
      } catch (NodeException e) {
        sink.error(e);
        return;
      } catch (Exception e) {
        sink.error(new NodeException(ErrorCode.UNAVAILABLE, "cannot encode a record for " + topic + ": " + e, e));
        return;
      }
      try {
        producer.send(new ProducerRecord<>(topic, key, bytes), (md, ex) -> {
          if (ex != null) {
            sink.error(new NodeException(ErrorCode.UNAVAILABLE, "write to " + topic + " failed: " + ex, ex));
          } else {
            metrics.sent(bytes.length);
            sink.success();
          }
        });
      } catch (RuntimeException ex) {
        sink.error(new NodeException(ErrorCode.UNAVAILABLE, "write to " + topic + " failed: " + ex, ex));
      }
    }).subscribeOn(delivery);
  }

  /**
   * Writes a tombstone (unsubscribe, unregister), fire and forget; also while the host closes
   * (its producer is flushed before it closes).
   */
  void tombstone(String topic, String key) {
    KafkaProducer<String, byte[]> p = producer;
    if (p == null) {
      return;
    }
    try {
      p.send(new ProducerRecord<>(topic, key, null), (md, ex) -> {
        if (ex != null) {
          LOG.warn("host {}: tombstone for {} on {} failed: {}", hostId, key, topic, ex.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("host {}: tombstone for {} on {} failed: {}", hostId, key, topic, e.toString());
    }
  }

  /** A trigger from the router as the public type, with its embedded messages decoded. */
  io.fedstream.node.Trigger toTrigger(Message m) {
    List<io.fedstream.node.Trigger.Item> items = new ArrayList<>();
    for (Payload p : m.payloads()) {
      Message gathered = null;
      if (RoutedRecords.ENVELOPE_CONTENT_TYPE.equals(p.contentType()) && p.schemaId().isPresent()) {
        byte[] body = p.bytes();
        ByteBuffer wireBytes = ByteBuffer.allocate(5 + body.length);
        wireBytes.put((byte) 0).putInt(p.schemaId().getAsInt()).put(body);
        try {
          Envelope e = codec.decode(mailbox, wireBytes.array());
          List<Payload> ps = new ArrayList<>();
          for (io.fedstream.avro.Payload gp : e.getPayloads()) {
            if (gp.getTransfer() == null) {
              byte[] data = Reassembler.bytes(gp.getData());
              ps.add(gp.getSchemaId() != null ? Payload.ofAvro(gp.getName(), gp.getSchemaId(), data)
                  .withContentType(gp.getContentType()) : Payload.ofBytes(gp.getName(), gp.getContentType(), data));
            }
          }
          gathered = EnvelopeCodec.toMessage(e, ps, null);
        } catch (RuntimeException ex) {
          LOG.warn("host {}: trigger {}: cannot decode gathered message {}: {}", hostId, m.id(), p.name(), ex.toString());
        }
      }
      String position = RoutedRecords.ENVELOPE_REF_CONTENT_TYPE.equals(p.contentType())
          ? new String(p.bytes(), StandardCharsets.UTF_8) : p.name();
      items.add(new io.fedstream.node.Trigger.Item(position, Optional.ofNullable(gathered)));
    }
    resolveReferences(m, items);
    long sequence = 0;
    try {
      sequence = Long.parseLong(m.attributes().getOrDefault(RoutedRecords.ATTR_TRIGGER_SEQUENCE, "0"));
    } catch (NumberFormatException e) {
      LOG.warn("host {}: trigger {} has a bad sequence attribute", hostId, m.id());
    }
    return new io.fedstream.node.Trigger(m.attributes().get(RoutedRecords.ATTR_REGISTRATION), m.tag(),
        m.attributes().getOrDefault(RoutedRecords.ATTR_EXPRESSION, ""), sequence, items);
  }

  /** Fetches the gathered messages a trigger carries as references (see {@link GatheredRecords}). */
  private void resolveReferences(Message trigger, List<io.fedstream.node.Trigger.Item> items) {
    List<String> refs = items.stream().filter(i -> i.message().isEmpty())
        .map(io.fedstream.node.Trigger.Item::position).toList();
    if (refs.isEmpty()) {
      return;
    }
    Map<String, byte[]> found = GatheredRecords.fetch(clientProps(Map.of()), "fedstream-" + hostId + "-gathered",
        refs, Duration.ofMillis(config.requestTimeoutMs()));
    for (int i = 0; i < items.size(); i++) {
      io.fedstream.node.Trigger.Item it = items.get(i);
      byte[] wire = it.message().isPresent() ? null : found.get(it.position());
      if (wire == null) {
        continue;
      }
      try {
        Envelope e = codec.decode(it.position().substring(0, it.position().lastIndexOf(':', it.position().lastIndexOf(':') - 1)), wire);
        List<Payload> ps = new ArrayList<>();
        for (io.fedstream.avro.Payload gp : e.getPayloads()) {
          if (gp.getTransfer() == null) {
            byte[] data = Reassembler.bytes(gp.getData());
            ps.add(gp.getSchemaId() != null ? Payload.ofAvro(gp.getName(), gp.getSchemaId(), data)
                .withContentType(gp.getContentType()) : Payload.ofBytes(gp.getName(), gp.getContentType(), data));
          }
        }
        items.set(i, new io.fedstream.node.Trigger.Item(it.position(), Optional.of(EnvelopeCodec.toMessage(e, ps, null))));
      } catch (RuntimeException ex) {
        LOG.warn("host {}: trigger {}: cannot decode referenced message {}: {}", hostId, trigger.id(), it.position(),
            ex.toString());
      }
    }
    if (found.size() < refs.size()) {
      LOG.warn("host {}: trigger {}: {} of {} referenced messages not found", hostId, trigger.id(),
          refs.size() - found.size(), refs.size());
    }
  }

  /** Sends a prepared message; completes on the broker's acknowledgement, on a delivery thread. */
  Mono<Void> send(String topic, String key, Message m) {
    return send(topic, key, m, true);
  }

  /**
   * Sends a prepared message. With {@code hop}, the acknowledgement is signalled on a delivery
   * thread, so that code the caller chains after it never runs on (and never blocks) the
   * producer's I/O thread. Without, the acknowledgement is signalled on the producer's I/O thread
   * and only failures hop: for the SDK's own chains (a request's send, a served reply), which do
   * no more than complete a sink or release an offset, a thread wake-up less per message.
   */
  Mono<Void> send(String topic, String key, Message m, boolean hop) {
    return send(topic, null, key, m, hop);
  }

  /** As {@link #send(String, String, Message, boolean)}, to a given partition ({@code null}: by key). */
  private Mono<Void> send(String topic, Integer partition, String key, Message m, boolean hop) {
    return Mono.defer(() -> {
      if (closed || producer == null) {
        return Mono.error(new NodeException(ErrorCode.CANCELLED, closed ? "host '" + hostId + "' is closed"
            : "host '" + hostId + "' is not started: call start() first"));
      }
      boolean large = false;
      for (Payload p : m.payloads()) {
        if (p.size() > config.chunkSize()) {
          large = true;
        }
      }
      if (large) {
        return Mono.<Void>fromCallable(() -> {
          sendChunked(topic, key, m);
          return null;
        }).subscribeOn(delivery);
      }
      List<io.fedstream.avro.Payload> ps = new ArrayList<>();
      for (Payload p : m.payloads()) {
        ps.add(inline(p, p.bytes()));
      }
      Mono<Void> sent = produce(topic, partition, key, m, EnvelopeCodec.toEnvelope(m, ps));
      return hop ? sent.publishOn(delivery) : sent.onErrorResume(e -> Mono.<Void>error(e).publishOn(delivery));
    });
  }

  private static io.fedstream.avro.Payload inline(Payload p, byte[] data) {
    // the all-fields constructor: a builder deep-copies the schema default of every unset field
    return new io.fedstream.avro.Payload(p.name(), p.contentType(),
        p.schemaId().isPresent() ? p.schemaId().getAsInt() : null, ByteBuffer.wrap(data), null);
  }

  private Mono<Void> produce(String topic, String key, Message m, Envelope e) {
    return produce(topic, null, key, m, e);
  }

  private Mono<Void> produce(String topic, Integer partition, String key, Message m, Envelope e) {
    byte[] value;
    try {
      value = codec.encode(topic, e, 512);
    } catch (SchemaRegistryException ex) {
      return Mono.error(new NodeException(ErrorCode.UNAVAILABLE, "registry: " + ex.getMessage(), ex));
    }
    if (value.length > TopicSettings.MAX_MESSAGE_BYTES) {
      return Mono.error(new NodeException.CallerException("message '" + m.tag() + "' encodes to " + value.length
          + " bytes, more than " + TopicSettings.MAX_MESSAGE_BYTES + "; move data from args into payloads"));
    }
    ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, partition, key, value, headers(m));
    return Mono.create(sink -> {
      try {
        producer.send(rec, (md, ex) -> {
          if (ex != null) {
            sink.error(new NodeException(ErrorCode.UNAVAILABLE, "send to " + topic + " failed: " + ex, ex));
          } else {
            metrics.sent(value.length);
            sink.success();
          }
        });
      } catch (RuntimeException ex) {
        sink.error(new NodeException(ErrorCode.UNAVAILABLE, "send to " + topic + " failed: " + ex, ex));
      }
    });
  }

  private static Headers headers(Message m) {
    Headers h = new RecordHeaders();
    m.traceparent().ifPresent(tp -> h.add(io.fedstream.schemas.RecordHeaders.TRACEPARENT, tp.getBytes(StandardCharsets.UTF_8)));
    h.add(io.fedstream.schemas.RecordHeaders.MESSAGE_ID, m.id().getBytes(StandardCharsets.UTF_8));
    h.add(io.fedstream.schemas.RecordHeaders.KIND, m.kind().name().getBytes(StandardCharsets.UTF_8));
    return h;
  }

  /**
   * Sends large payloads as CHUNK records (two chunks in memory: the one being sent and the next,
   * read and fed to the whole digest meanwhile), then the envelope. Does not wait per chunk. Blocking.
   */
  private void sendChunked(String topic, String key, Message m) throws Exception {
    int chunkSize = config.chunkSize();
    AtomicReference<Exception> failed = new AtomicReference<>();
    List<io.fedstream.avro.Payload> ps = new ArrayList<>();
    for (Payload p : m.payloads()) {
      if (p.size() <= chunkSize) {
        ps.add(inline(p, p.bytes()));
        continue;
      }
      String transferId = java.util.UUID.randomUUID().toString();
      long size = p.size();
      int count = (int) ((size + chunkSize - 1) / chunkSize);
      MessageDigest whole = Reassembler.sha256();
      try (InputStream in = p.openStream();
           ChunkReader chunks = new ChunkReader(in, whole, size, chunkSize, "fedstream-" + hostId + "-chunk-read")) {
        long offset = 0;
        for (int i = 0; i < count; i++) {
          ByteBuffer chunk = chunks.next();
          byte[] buf = chunk.array();
          int len = chunk.remaining();
          if (len != (int) Math.min(chunkSize, size - offset)) {
            throw new NodeException.CallerException("payload '" + p.name() + "' yielded " + (offset + Math.max(len, 0))
                + " bytes, not the announced " + size);
          }
          MessageDigest d = Reassembler.sha256();
          d.update(buf, 0, len);
          Envelope ce = EnvelopeCodec.chunk(m, transferId, p.name(), i, count, offset, size, d.digest(),
              ByteBuffer.wrap(buf, 0, len));
          byte[] value = codec.encodeChunk(topic, ce);
          Headers h = new RecordHeaders();
          h.add(io.fedstream.schemas.RecordHeaders.MESSAGE_ID, ce.getMessageId().getBytes(StandardCharsets.UTF_8));
          h.add(io.fedstream.schemas.RecordHeaders.KIND, Kind.CHUNK.name().getBytes(StandardCharsets.UTF_8));
          m.traceparent().ifPresent(tp -> h.add(io.fedstream.schemas.RecordHeaders.TRACEPARENT,
              tp.getBytes(StandardCharsets.UTF_8)));
          producer.send(new ProducerRecord<>(topic, null, key, value, h), (md, ex) -> {
            if (ex != null) {
              failed.compareAndSet(null, ex);
            } else {
              metrics.sent(value.length);
            }
          });
          if (failed.get() != null) {
            break;
          }
          offset += len;
        }
      } catch (IOException ex) {
        throw new NodeException.CallerException("cannot read payload '" + p.name() + "': " + ex);
      }
      if (failed.get() != null) {
        break;
      }
      ps.add(io.fedstream.avro.Payload.newBuilder().setName(p.name()).setContentType(p.contentType())
          .setData(ByteBuffer.allocate(0))
          .setTransfer(Transfer.newBuilder().setTransferId(transferId).setTotalSize(size).setChunkSize(chunkSize)
              .setChunkCount(count).setSha256(ByteBuffer.wrap(whole.digest())).build())
          .build());
    }
    if (failed.get() == null) {
      produce(topic, key, m, EnvelopeCodec.toEnvelope(m, ps)).block();
    }
    if (failed.get() != null) {
      throw new NodeException(ErrorCode.UNAVAILABLE, "a chunk of '" + m.tag() + "' failed: " + failed.get(), failed.get());
    }
  }

  /** Sends a node's heartbeat with its current spec; completes on the broker's acknowledgement. */
  CompletableFuture<Void> heartbeat(LocalNode n, PresenceStatus status) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (heartbeatLock) {
      heartbeat(n, status, f);
    }
    return f;
  }

  private void heartbeat(LocalNode n, PresenceStatus status, CompletableFuture<Void> f) {
    NodeSpec spec = n.spec();
    Map<String, List<String>> rel;
    if (spec.relationships().isEmpty()) {
      rel = Map.of();
    } else {
      rel = new java.util.LinkedHashMap<>();
      spec.relationships().forEach((k, v) -> rel.put(k, List.copyOf(v)));
    }
    Heartbeat hb = Heartbeat.newBuilder().setNodeId(n.id).setGroups(List.of(n.groups))
        .setRoles(spec.roles().isEmpty() ? List.of() : List.copyOf(spec.roles()))
        .setRelationships(rel).setHost(hostId).setStartedAt(startedAt).setSentAt(Instant.now())
        .setIntervalMs(config.heartbeatIntervalMs()).setTimeoutMs(config.livenessTimeoutMs()).setStatus(status)
        .build();
    try {
      producer.send(new ProducerRecord<>(presenceTopic, n.id, heartbeats.encode(presenceTopic, hb, 128)), (md, ex) -> {
        if (ex != null) {
          f.completeExceptionally(ex);
        } else {
          f.complete(null);
        }
      });
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
    }
  }

  // ---------------------------------------------------------------- client settings

  private Map<String, Object> clientProps(Map<String, Object> extra) {
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

  private Map<String, Object> producerProps() {
    Map<String, Object> p = clientProps(Map.of());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "fedstream-" + hostId + "-producer");
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

  private Map<String, Object> consumerProps() {
    Map<String, Object> p = clientProps(Map.of());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "fedstream-" + hostId + "-consumer");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, namespace + ".host." + hostId);
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

  /**
   * The poll thread is marked non-blocking: replies are emitted on it (one thread hop less per
   * request), so a {@code block()} in an operator after {@code request} fails at once instead of
   * deadlocking the host.
   */
  private static final class PollThread extends Thread implements reactor.core.scheduler.NonBlocking {
    PollThread(Runnable r, String name) {
      super(r, name);
      setDaemon(true);
    }
  }

  // ---------------------------------------------------------------- for tests in this package

  int queued(String nodeId) {
    LocalNode n = nodes.get(nodeId);
    return n == null ? 0 : n.queued();
  }
}
