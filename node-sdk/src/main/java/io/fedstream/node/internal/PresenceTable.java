package io.fedstream.node.internal;

import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.node.MemberInfo;
import io.fedstream.node.PresenceEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Who is alive, computed from heartbeats on the presence topic: a node is alive while its last
 * heartbeat is younger than the timeout it announced; a tombstone or a LEAVING heartbeat makes it
 * leave at once.
 */
final class PresenceTable {

  private static final class Entry {
    String[] groups;
    Set<String> roles = Set.of();
    Map<String, Set<String>> relationships = Map.of();
    long lastMs;
    int timeoutMs;
    boolean alive;
  }

  private final Map<String, Entry> table = new HashMap<>();
  /** Alive members per group, kept with every change of {@code alive} or of an alive node's groups. */
  private final Map<String, Integer> aliveByGroup = new HashMap<>();
  private final Sinks.Many<PresenceEvent> events = Sinks.many().multicast().directBestEffort();

  synchronized void onHeartbeat(String nodeId, Heartbeat hb, long nowMs) {
    if (nodeId == null) {
      return;
    }
    if (hb == null || hb.getStatus() == PresenceStatus.LEAVING) {
      Entry e = table.get(nodeId);
      if (e != null && e.alive) {
        e.alive = false;
        count(e.groups, -1);
        emit(PresenceEvent.Type.LEFT, nodeId, e);
      }
      if (hb == null) {
        table.remove(nodeId);
      }
      return;
    }
    Entry e = table.computeIfAbsent(nodeId, k -> new Entry());
    String[] groups = hb.getGroups().toArray(new String[0]);
    if (e.alive && !java.util.Arrays.equals(e.groups, groups)) {
      count(e.groups, -1);
      count(groups, 1);
    }
    // (an UPDATED event follows below, once the entry holds the new values)
    boolean changed = e.alive && !java.util.Arrays.equals(e.groups, groups);
    Set<String> roles = hb.getRoles().isEmpty() ? Set.of() : Set.copyOf(hb.getRoles());
    Map<String, Set<String>> rel = relationships(hb.getRelationships());
    changed |= e.alive && (!roles.equals(e.roles) || !rel.equals(e.relationships));
    e.roles = roles;
    e.relationships = rel;
    e.groups = groups;
    e.lastMs = Math.max(e.lastMs, hb.getSentAt().toEpochMilli());
    e.timeoutMs = hb.getTimeoutMs();
    boolean aliveNow = nowMs - e.lastMs <= e.timeoutMs;
    if (aliveNow && !e.alive) {
      e.alive = true;
      count(e.groups, 1);
      emit(PresenceEvent.Type.JOINED, nodeId, e);
    } else if (changed) {
      emit(PresenceEvent.Type.UPDATED, nodeId, e);
    }
  }

  private static Map<String, Set<String>> relationships(Map<String, List<String>> in) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    Map<String, Set<String>> out = new HashMap<>();
    in.forEach((k, v) -> out.put(k, Set.copyOf(v)));
    return Map.copyOf(out);
  }

  /** What an alive node announced, if it is alive. */
  synchronized java.util.Optional<MemberInfo> info(String nodeId) {
    Entry e = table.get(nodeId);
    return e == null || !e.alive ? java.util.Optional.empty() : java.util.Optional.of(info(nodeId, e));
  }

  /** Every alive node and what it announced. */
  synchronized List<MemberInfo> infos() {
    List<MemberInfo> out = new ArrayList<>();
    table.forEach((id, e) -> {
      if (e.alive) {
        out.add(info(id, e));
      }
    });
    return out;
  }

  private static MemberInfo info(String id, Entry e) {
    return new MemberInfo(id, Set.copyOf(java.util.Arrays.asList(e.groups)), e.roles, e.relationships);
  }

  synchronized void expire(long nowMs) {
    for (Map.Entry<String, Entry> en : table.entrySet()) {
      Entry e = en.getValue();
      if (e.alive && nowMs - e.lastMs > e.timeoutMs) {
        e.alive = false;
        count(e.groups, -1);
        emit(PresenceEvent.Type.LEFT, en.getKey(), e);
      }
    }
  }

  synchronized boolean alive(String nodeId) {
    Entry e = table.get(nodeId);
    return e != null && e.alive;
  }

  /** How many members of {@code group} are alive: O(1), for waiting on a count event by event. */
  synchronized int count(String group) {
    return aliveByGroup.getOrDefault(group, 0);
  }

  private void count(String[] groups, int delta) {
    for (String g : groups) {
      aliveByGroup.merge(g, delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  synchronized Set<String> members(String group) {
    Set<String> out = new LinkedHashSet<>();
    for (Map.Entry<String, Entry> en : table.entrySet()) {
      Entry e = en.getValue();
      if (e.alive) {
        for (String g : e.groups) {
          if (g.equals(group)) {
            out.add(en.getKey());
            break;
          }
        }
      }
    }
    return out;
  }

  synchronized List<PresenceEvent> snapshot() {
    List<PresenceEvent> out = new ArrayList<>();
    Instant now = Instant.now();
    table.forEach((id, e) -> {
      if (e.alive) {
        out.add(new PresenceEvent(PresenceEvent.Type.JOINED, id, Set.copyOf(java.util.Arrays.asList(e.groups)), now,
            e.roles, e.relationships));
      }
    });
    return out;
  }

  Flux<PresenceEvent> events() {
    return events.asFlux();
  }

  /**
   * The alive members as JOINED events, then every later change. Each subscription takes the
   * snapshot and subscribes to the changes in one step under the table's lock (every change is
   * emitted under it), so a change is either in the snapshot or among the events after it: none is
   * missed, none is seen twice. Changes wait in the subscription's own buffer while the snapshot
   * is delivered, and while the subscriber does not keep up.
   */
  Flux<PresenceEvent> currentThenChanges() {
    return Flux.defer(() -> {
      Sinks.Many<PresenceEvent> later = Sinks.many().unicast().onBackpressureBuffer();
      List<PresenceEvent> now;
      reactor.core.Disposable live;
      synchronized (this) {
        now = snapshot();
        // emits are serialised by this lock, so the unicast sink is never emitted to concurrently
        live = events.asFlux().subscribe(later::tryEmitNext, later::tryEmitError, later::tryEmitComplete);
      }
      return Flux.concat(Flux.fromIterable(now), later.asFlux()).doFinally(s -> live.dispose());
    });
  }

  void complete() {
    synchronized (this) {
      events.tryEmitComplete();
    }
  }

  private void emit(PresenceEvent.Type type, String nodeId, Entry e) {
    events.tryEmitNext(new PresenceEvent(type, nodeId, Set.copyOf(java.util.Arrays.asList(e.groups)), Instant.now(),
        e.roles, e.relationships));
  }

  /**
   * Completes once the node is alive; fails with {@code NOT_FOUND} after the shorter of the
   * deadline and the liveness timeout.
   */
  reactor.core.publisher.Mono<Void> awaitAlive(String nodeId, java.time.Duration deadline, int livenessTimeoutMs,
      String namespace, reactor.core.scheduler.Scheduler timer) {
    return reactor.core.publisher.Mono.defer(() -> {
      if (alive(nodeId)) {
        return reactor.core.publisher.Mono.empty();
      }
      java.time.Duration wait = java.time.Duration.ofMillis(Math.min(deadline.toMillis(), livenessTimeoutMs));
      return Flux.merge(events().filter(e -> e.type() == PresenceEvent.Type.JOINED && e.nodeId().equals(nodeId))
                  .map(e -> true),
              reactor.core.publisher.Mono.fromCallable(() -> alive(nodeId)).filter(b -> b))
          .next()
          .timeout(wait, reactor.core.publisher.Mono.error(() -> new io.fedstream.node.NodeException.NotFoundException(
              "node '" + nodeId + "' is not alive in namespace '" + namespace + "' (no heartbeat within "
                  + wait.toMillis() + " ms)")), timer)
          .then();
    });
  }

  /**
   * Emits the group's alive members once there are at least {@code n}; fails with {@code
   * TIMEOUT} after the deadline. Counted on every join (O(1)); the member set is built once the
   * count is reached (building it per join made waiting for N members O(N^2) on the poll thread,
   * which then lagged behind the heartbeats it had to read).
   */
  reactor.core.publisher.Mono<Set<String>> awaitMembers(String group, int n, java.time.Duration deadline,
      reactor.core.scheduler.Scheduler timer) {
    return Flux.merge(events().filter(e -> e.groups().contains(group)).map(e -> 0), reactor.core.publisher.Mono.just(0))
        .filter(x -> count(group) >= n)
        .map(x -> members(group))
        .filter(s -> s.size() >= n)
        .next()
        .timeout(deadline, reactor.core.publisher.Mono.error(() -> new io.fedstream.node.NodeException.DeadlineExceededException(
            "fewer than " + n + " members of group '" + group + "' alive after " + deadline.toMillis() + " ms: "
                + members(group))), timer);
  }
}
