package io.fedstream.node.internal;

import io.fedstream.avro.Heartbeat;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import io.fedstream.schemas.wire.AvroWire;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * What every part of a host needs: config, names, schedulers, metrics, the local nodes' inboxes,
 * and the codecs made at start. Handed to each part instead of the parts reaching into the host.
 */
final class HostContext {

  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  final NodeConfig config;
  final String namespace;
  final String hostId;
  /** Which topics the host reads and writes (the namespace's configuration). */
  final TopicLayout layout;
  final String deadLetterTopic;
  final Duration defaultDeadline;
  final Scheduler timer;
  final Scheduler delivery;
  final MeterRegistry meterRegistry;
  final Metrics metrics;
  final Calls calls = new Calls();
  final PresenceTable presence = new PresenceTable();
  final Instant startedAt = Instant.now();
  /** The local nodes' inboxes by node id, and by group. */
  final Map<String, Inbox> inboxes = new ConcurrentHashMap<>();
  final Map<String, Set<Inbox>> groupMembers = new ConcurrentHashMap<>();

  volatile boolean closed;
  // Made at start, before the poll thread runs.
  volatile EnvelopeCodec codec;
  volatile AvroWire<Heartbeat> heartbeats;
  /** Presence of the per-site layout; null in the shared layout. */
  volatile SitePresence sitePresence;
  volatile SeenIds seen;
  volatile Reassembler reassembler;

  HostContext(NodeConfig config) {
    this.config = config;
    this.namespace = config.namespace();
    this.hostId = config.hostId();
    if (hostId.isEmpty()) {
      throw new IllegalArgumentException("Host id required: set " + NodeConfig.HOST_ID + " (or "
          + NodeConfig.NODE_ID + " for a standalone node).");
    }
    this.layout = TopicLayout.of(config);
    try {
      layout.checkNodeId(hostId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Host id '" + hostId + "' is not a site id: on a namespace with the "
          + layout.name() + " topic layout the host id names the site's consumer group; use the site id.", e);
    }
    this.deadLetterTopic = layout.deadLetter();
    this.defaultDeadline = Duration.ofMillis(config.requestTimeoutMs());
    this.meterRegistry = config.meterRegistry() != null ? config.meterRegistry() : new SimpleMeterRegistry();
    this.metrics = new Metrics(meterRegistry, namespace, hostId);
    this.timer = Schedulers.newSingle("fedstream-" + hostId + "-timer", true);
    this.delivery = Schedulers.newBoundedElastic(config.deliveryThreads(), 100_000, "fedstream-" + hostId + "-deliver",
        60, true);
  }

  /** The error of an operation on a host that is closed or not started. */
  NodeException notRunning() {
    return new NodeException(ErrorCode.CANCELLED, closed ? "host '" + hostId + "' is closed"
        : "host '" + hostId + "' is not started: call start() first");
  }

  /** The group a group topic belongs to, or null. */
  String groupOf(String topic) {
    return layout.groupOf(topic);
  }
}
