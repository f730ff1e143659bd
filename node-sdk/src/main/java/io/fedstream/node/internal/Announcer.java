package io.fedstream.node.internal;

import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeException;
import io.fedstream.node.NodeSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.ProducerRecord;
import reactor.core.publisher.Mono;

/**
 * A node's spec as the namespace sees it: the spec, its changes at run time, and the heartbeats
 * that carry it (groups, roles, relationships). A change and the build of a heartbeat hold the
 * host's heartbeat lock, so the next heartbeat after a change carries it.
 */
final class Announcer {

  private final String id;
  private final String[] groups;
  private final HostContext ctx;
  private final Outbox outbox;
  private volatile NodeSpec spec;

  Announcer(NodeSpec spec, String[] groups, HostContext ctx, Outbox outbox) {
    this.id = spec.id();
    this.groups = groups;
    this.ctx = ctx;
    this.outbox = outbox;
    this.spec = spec;
  }

  NodeSpec spec() {
    return spec;
  }

  /**
   * Changes the spec; with {@code announce}, sends a heartbeat with it at once, and the Mono
   * completes on its acknowledgement (fails {@code UNAVAILABLE}).
   */
  Mono<Void> change(UnaryOperator<NodeSpec> how, boolean announce) {
    synchronized (outbox.heartbeatLock) {
      spec = how.apply(spec);
    }
    if (!announce) {
      return Mono.empty();
    }
    return Mono.fromFuture(heartbeat(PresenceStatus.ALIVE))
        .onErrorMap(e -> new NodeException(ErrorCode.UNAVAILABLE, "heartbeat of '" + id + "' failed: " + e, e));
  }

  /** The spec without one relationship instance (a name left without instances goes). */
  static NodeSpec without(NodeSpec s, String name, String instanceId) {
    Map<String, Set<String>> rel = new LinkedHashMap<>();
    s.relationships().forEach((k, v) -> {
      Set<String> ids = new LinkedHashSet<>(v);
      if (k.equals(name)) {
        ids.remove(instanceId);
      }
      if (!ids.isEmpty()) {
        rel.put(k, ids);
      }
    });
    return s.withRelationships(rel);
  }

  /** Sends the node's heartbeat with its current spec; completes on the broker's acknowledgement. */
  CompletableFuture<Void> heartbeat(PresenceStatus status) {
    synchronized (outbox.heartbeatLock) {
      NodeSpec s = spec;
      Map<String, List<String>> rel = Map.of();
      if (!s.relationships().isEmpty()) {
        rel = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> e : s.relationships().entrySet()) {
          rel.put(e.getKey(), List.copyOf(e.getValue()));
        }
      }
      if (ctx.sitePresence != null) {
        // the per-site layout: a HEARTBEAT command on the site's own commands topic (SitePresence)
        return status == PresenceStatus.ALIVE ? outbox.heartbeat(ctx.sitePresence.heartbeat(id))
            : CompletableFuture.completedFuture(null);
      }
      Heartbeat hb = Heartbeat.newBuilder().setNodeId(id).setGroups(List.of(groups))
          .setRoles(s.roles().isEmpty() ? List.of() : List.copyOf(s.roles()))
          .setRelationships(rel).setHost(ctx.hostId).setStartedAt(ctx.startedAt).setSentAt(Instant.now())
          .setIntervalMs(ctx.config.heartbeatIntervalMs()).setTimeoutMs(ctx.config.livenessTimeoutMs())
          .setStatus(status).build();
      String presence = ctx.layout.presenceTopics().get(0);
      return outbox.heartbeat(new ProducerRecord<>(presence, id, ctx.heartbeats.encode(presence, hb, 128)));
    }
  }
}
