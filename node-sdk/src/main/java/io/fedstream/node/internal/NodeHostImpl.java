package io.fedstream.node.internal;

import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import io.fedstream.node.NodeHost;
import io.fedstream.node.NodeSpec;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.schemas.wire.SchemaRegistryException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The node host: lifecycle and wiring of its parts (see docs/architecture.md). One producer
 * ({@link Outbox}), one consumer on its own poll thread ({@link MailboxPoller} handing records to
 * the {@link Dispatcher}), a timer, delivery threads and a handler pool ({@link Handlers}), serving
 * any number of {@link LocalNode}s.
 */
public final class NodeHostImpl implements NodeHost {

  private static final Logger LOG = LoggerFactory.getLogger(NodeHostImpl.class);
  private static final long TRANSFER_STALL_MS = 5 * 60_000L;

  final HostContext ctx;
  final KafkaClients clients;
  final Outbox outbox;
  final Handlers handlers;
  final Rounds rounds;
  final RouterLink routerLink;
  private final Offsets offsets = new Offsets();
  private final MailboxPoller poller;
  private final Map<String, LocalNode> nodes = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private Mono<Void> started;
  private Disposable ticks;
  private long lastBeat;

  private NodeHostImpl(NodeConfig config) {
    this.ctx = new HostContext(config);
    this.clients = new KafkaClients(ctx);
    this.outbox = new Outbox(ctx, clients);
    this.handlers = new Handlers(ctx);
    this.rounds = new Rounds(ctx, outbox);
    this.routerLink = new RouterLink(ctx, outbox, clients);
    this.poller = new MailboxPoller(ctx, offsets, new Dispatcher(ctx, offsets, outbox), handlers);
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
    Objects.requireNonNull(spec, "spec");
    NodeConfig c = config.hostId().isEmpty() ? config.toBuilder().nodeId(spec.id()).build() : config;
    return new NodeHostImpl(c).add(spec, true);
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
    return add(Objects.requireNonNull(spec, "spec"), false);
  }

  private LocalNode add(NodeSpec spec, boolean standalone) {
    Set<String> gs = new LinkedHashSet<>();
    for (String g : spec.groups()) {
      gs.add(Topics.requireName("group", g));
    }
    if (ctx.closed) {
      throw new IllegalStateException("Host '" + ctx.hostId + "' is closed.");
    }
    ctx.layout.checkNodeId(spec.id());
    LocalNode n = new LocalNode(spec, gs.toArray(new String[0]), this, standalone);
    if (nodes.putIfAbsent(n.id, n) != null) {
      throw new IllegalArgumentException("Node '" + n.id + "' is already hosted by '" + ctx.hostId + "'.");
    }
    ctx.inboxes.put(n.id, n.inbox);
    for (String g : gs) {
      ctx.groupMembers.computeIfAbsent(g, k -> ConcurrentHashMap.newKeySet()).add(n.inbox);
    }
    return n;
  }

  @Override
  public int size() {
    return nodes.size();
  }

  @Override
  public MeterRegistry meterRegistry() {
    return ctx.meterRegistry;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public Mono<Void> start() {
    synchronized (lifecycle) {
      if (ctx.closed) {
        return Mono.error(new NodeException(ErrorCode.CANCELLED, "host '" + ctx.hostId + "' is closed"));
      }
      if (started == null) {
        started = Mono.<Void>fromRunnable(this::doStart).subscribeOn(ctx.delivery).cache();
      }
      return started;
    }
  }

  private void doStart() {
    NodeConfig config = ctx.config;
    try {
      SchemaRegistryClient registry = SchemaRegistryClient.create(config.registryUrl());
      ctx.codec = new EnvelopeCodec(registry);
      ctx.heartbeats = AvroWire.of(Heartbeat.class, registry);
      routerLink.open(registry);
      Path stateDir = config.stateDir().isEmpty() ? null : Paths.get(config.stateDir());
      ctx.seen = new SeenIds(config.dedupCapacity(), stateDir == null ? null
          : stateDir.resolve("fedstream-" + ctx.namespace + "-" + ctx.hostId + ".seen"));
      ctx.reassembler = new Reassembler(Paths.get(config.transferDir()), TRANSFER_STALL_MS);
      clients.ensureHostTopics(true, ctx.groupMembers.keySet());
      if (!ctx.layout.perSite()) {
        ctx.codec.register(ctx.layout.mailTo(ctx.hostId));
        ctx.heartbeats.schemaId(ctx.layout.presenceTopics().get(0));
      } else {
        ctx.sitePresence = new SitePresence(ctx.namespace, registry);
        for (LocalNode n : nodes.values()) {
          ctx.codec.register(ctx.layout.mailTo(n.id));
          ctx.sitePresence.register(n.id);
        }
      }
      outbox.open(clients.producer());
      List<Inbox> inboxes = new ArrayList<>();
      nodes.values().forEach(n -> inboxes.add(n.inbox));
      poller.open(clients.consumer(), inboxes);
      for (LocalNode n : nodes.values()) {
        n.attached = true;
      }
      poller.run();
      List<CompletableFuture<?>> acks = new ArrayList<>();
      for (LocalNode n : nodes.values()) {
        acks.add(n.heartbeat(PresenceStatus.ALIVE));
      }
      CompletableFuture.allOf(acks.toArray(new CompletableFuture[0]))
          .get(HostContext.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      int every = Math.min(config.heartbeatIntervalMs(), 250);
      ticks = Flux.interval(Duration.ofMillis(every), ctx.timer).subscribe(i -> tick());
      LOG.info("host {} started in namespace {} with {} node(s), mailbox partitions {}", ctx.hostId, ctx.namespace,
          nodes.size(), poller.assignedMailbox());
    } catch (SchemaRegistryException e) {
      throw new NodeException(ErrorCode.UNAVAILABLE, "schema registry at " + config.registryUrl()
          + " failed: " + e.getMessage(), e);
    } catch (NodeException e) {
      throw e;
    } catch (Exception e) {
      throw new NodeException(ErrorCode.UNAVAILABLE, "cannot start host '" + ctx.hostId + "' on "
          + config.bootstrapServers() + ": " + e, e);
    }
  }

  private void tick() {
    if (ctx.closed) {
      return;
    }
    long now = System.currentTimeMillis();
    ctx.presence.expire(now);
    if (now - lastBeat >= ctx.config.heartbeatIntervalMs()) {
      lastBeat = now;
      for (LocalNode n : nodes.values()) {
        if (n.attached) {
          n.heartbeat(PresenceStatus.ALIVE);
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
      clients.ensureHostTopics(false, List.of(n.groups));
      try {
        poller.attach(n.inbox);
        n.attached = true;
        n.heartbeat(PresenceStatus.ALIVE).get(HostContext.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new NodeException(ErrorCode.UNAVAILABLE, "cannot attach node '" + n.id + "': " + e, e);
      }
    }).subscribeOn(ctx.delivery);
  }

  void removeNode(LocalNode n) {
    if (nodes.remove(n.id, n)) {
      ctx.inboxes.remove(n.id, n.inbox);
      for (String g : n.groups) {
        Set<Inbox> s = ctx.groupMembers.get(g);
        if (s != null) {
          s.remove(n.inbox);
        }
      }
      if (!ctx.closed && !ctx.layout.perSite()) {
        outbox.tombstone(ctx.layout.presenceTopics().get(0), n.id);
      }
      n.inbox.closeInbound();
    }
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (ctx.closed) {
        return;
      }
      ctx.closed = true;
    }
    if (ticks != null) {
      ticks.dispose();
    }
    if (outbox.isOpen()) {
      for (LocalNode n : nodes.values()) {
        if (n.attached && !ctx.layout.perSite()) {
          outbox.tombstone(ctx.layout.presenceTopics().get(0), n.id);
        }
      }
      outbox.flush();
    }
    poller.stop();
    ctx.calls.cancelAll(new NodeException(ErrorCode.CANCELLED, "host '" + ctx.hostId + "' closed"));
    for (LocalNode n : nodes.values()) {
      n.inbox.closeInbound();
    }
    ctx.presence.complete();
    outbox.close();
    clients.close();
    if (ctx.reassembler != null) {
      ctx.reassembler.closeAll();
    }
    if (ctx.seen != null) {
      ctx.seen.close();
    }
    handlers.shutdown();
    ctx.timer.dispose();
    ctx.delivery.dispose();
    LOG.info("host {} closed", ctx.hostId);
  }

  // ---------------------------------------------------------------- for tests in this package

  int queued(String nodeId) {
    LocalNode n = nodes.get(nodeId);
    return n == null ? 0 : n.inbox.queued();
  }

  boolean mailboxPaused(String nodeId) {
    return poller.mailboxPaused(nodeId);
  }
}
