package io.fedstream.federation;

import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeHost;
import io.fedstream.node.PresenceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/** One call of {@link ClientServerFederation#train}: start, watch, stop. */
final class FederationRun {

  private static final Logger LOG = LoggerFactory.getLogger(FederationRun.class);

  /** What ended (or an outside stop). */
  private record Ended(String nodeId, boolean ok, Object result, Throwable failure, TrainResult.Outcome stop) {
  }

  private final ClientServerFederation f;
  private final Map<String, ?> serverArgs;
  private final Map<String, ?> clientArgs;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
  private final Map<String, Thread> threads = new LinkedHashMap<>();
  private final Map<String, Inbox> inboxes = new LinkedHashMap<>();
  private final Set<String> done = ConcurrentHashMap.newKeySet();
  private final Disposable.Composite watchers = Disposables.composite();
  private Node control;

  FederationRun(ClientServerFederation f, Map<String, ?> serverArgs, Map<String, ?> clientArgs) {
    this.f = f;
    this.serverArgs = serverArgs;
    this.clientArgs = clientArgs;
  }

  void stop() {
    ended.add(new Ended(null, true, null, null, TrainResult.Outcome.STOPPED));
  }

  private boolean local(String id) {
    return !f.remote.contains(id);
  }

  private List<String> allIds() {
    List<String> ids = new ArrayList<>();
    ids.add(f.serverId);
    ids.addAll(f.clientIds);
    return ids;
  }

  TrainResult run() {
    long t0 = System.nanoTime();
    // Every check before any node starts.
    Object[] serverCall = null;
    Object[] clientCall = null;
    if (local(f.serverId)) {
      serverCall = f.server.arguments("server args", serverArgs);
    } else {
      f.server.checkKeys("server args", serverArgs, false);
      requireSerialisable("server args", serverArgs);
    }
    if (f.clientIds.stream().anyMatch(this::local)) {
      clientCall = f.client.arguments("client args", clientArgs);
    }
    if (f.clientIds.stream().anyMatch(id -> !local(id))) {
      f.client.checkKeys("client args", clientArgs, false);
      requireSerialisable("client args", clientArgs);
    }
    NodeConfig cfg = f.config.toBuilder()
        .hostId("federation-" + f.serverId + "-" + runId)
        // a fresh host reads only what is sent from now on: messages of earlier runs in this namespace stay behind
        .set(NodeConfig.MAILBOX_RESET, "latest")
        .build();
    NodeHost host = NodeHost.create(cfg);
    try {
      control = host.addNode(Control.controlId(f.serverId), List.of());
      Map<String, Node> nodes = new LinkedHashMap<>();
      for (String id : allIds()) {
        if (local(id)) {
          nodes.put(id, host.addNode(id, id.equals(f.serverId) ? List.of() : List.of(Control.CLIENT_GROUP)));
        }
      }
      watchers.add(control.serve(Control.DONE, this::remoteDone));
      host.start().block(f.startTimeout);
      Map<String, FederatedNode> instances = new LinkedHashMap<>();
      for (Map.Entry<String, Node> e : nodes.entrySet()) {
        String id = e.getKey();
        boolean isServer = id.equals(f.serverId);
        FederatedNode n = (isServer ? f.server : f.client).instantiate();
        Inbox inbox = new Inbox(id, runId, m -> !m.tag().startsWith("federation."));
        e.getValue().receive().subscribe(inbox);
        inboxes.put(id, inbox);
        n.attach(new Seat(e.getValue(), role(id), isServer, f.serverId, f.clientIds, runId, inbox));
        instances.put(id, n);
      }
      awaitPresent(control);
      watchRemotes(control);
      startRemotes(control);
      for (Map.Entry<String, FederatedNode> e : instances.entrySet()) {
        String id = e.getKey();
        boolean isServer = id.equals(f.serverId);
        Object[] call = isServer ? serverCall : clientCall;
        TrainMethod m = isServer ? f.server : f.client;
        Thread t = new Thread(() -> trainOne(id, m, e.getValue(), call), "federation-" + id);
        t.setDaemon(true);
        threads.put(id, t);
      }
      threads.values().forEach(Thread::start);
      return watch(t0);
    } finally {
      shutdown(host);
    }
  }

  private String role(String id) {
    return id.equals(f.serverId) ? ClientServerFederation.SERVER_ROLE : f.roles.get(f.clientIds.indexOf(id));
  }

  private static void requireSerialisable(String who, Map<String, ?> args) {
    for (Map.Entry<String, ?> e : args.entrySet()) {
      if (!Bodies.serialisable(e.getValue())) {
        throw new FederationException(FederationException.BAD_ARGUMENTS, who + ": key " + e.getKey()
            + " holds a " + e.getValue().getClass().getName() + ", which cannot travel to a node of another process;"
            + " use JSON-like values (null, Boolean, numbers, String, List, Map) or byte[], float[], double[], Payload");
      }
    }
  }

  private void trainOne(String id, TrainMethod m, FederatedNode node, Object[] call) {
    try {
      Object result = m.invoke(node, call);
      ended.add(new Ended(id, true, result, null, null));
    } catch (Throwable t) {
      ended.add(new Ended(id, false, null, t, null));
    }
  }

  /**
   * Waits until every node of another process is present. Nodes of this host are present once it
   * started; nodes of other processes join the group {@value Control#REMOTE_GROUP}, whose alive
   * members are polled (a bounded wait that does not depend on seeing each join event).
   */
  private void awaitPresent(Node control) {
    Set<String> expected = new LinkedHashSet<>(f.remote);
    if (expected.isEmpty()) {
      return;
    }
    long end = System.nanoTime() + f.startTimeout.toNanos();
    while (true) {
      Set<String> missing = new LinkedHashSet<>(expected);
      missing.removeAll(control.members(Control.REMOTE_GROUP));
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() - end >= 0) {
        throw new FederationException(FederationException.TIMEOUT, "nodes not present within "
            + f.startTimeout.toSeconds() + " s: " + missing + " (start each with: fedstream node --namespace "
            + f.config.namespace() + " --class <class> --id <id> --classpath <jar>)");
      }
      try {
        Thread.sleep(100); // polling presence that this host keeps up to date; bounded by the start timeout
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FederationException(FederationException.STOPPED, "interrupted while waiting for " + missing);
      }
    }
  }

  private void watchRemotes(Node control) {
    if (f.remote.isEmpty()) {
      return;
    }
    watchers.add(control.presence()
        .filter(e -> e.type() == PresenceEvent.Type.LEFT && f.remote.contains(e.nodeId()))
        // its last DONE may still be on its way: give it a moment before calling the node lost
        .flatMap(e -> Mono.delay(Duration.ofSeconds(2)).thenReturn(e.nodeId()))
        .filter(id -> !done.contains(id))
        .subscribe(id -> ended.add(new Ended(id, false, null, new FederationException(FederationException.NODE_FAILED,
            id + " left (no heartbeat within the liveness timeout) before its train ended", id, null), null))));
  }

  private void startRemotes(Node control) {
    for (String id : allIds()) {
      if (local(id)) {
        continue;
      }
      boolean isServer = id.equals(f.serverId);
      Message start = Bodies.encode(Message.builder().tag(Control.START).to(id)
          .attribute(Bodies.RUN, runId)
          .attribute(Control.ROLE, role(id))
          .attribute(Control.SERVER, f.serverId)
          .attribute(Control.IS_SERVER, Boolean.toString(isServer))
          .attribute(Control.CLIENTS, String.join(",", f.clientIds)), isServer ? serverArgs : clientArgs).build();
      try {
        control.request(start, f.startTimeout).block();
      } catch (RuntimeException e) {
        throw new FederationException(FederationException.NODE_FAILED, id + " did not start: " + e.getMessage(), id, e);
      }
    }
  }

  private Mono<Message> remoteDone(Message m) {
    if (!runId.equals(m.attributes().get(Bodies.RUN))) {
      LOG.info("ignored a train end of {} from another run", m.source());
      return Mono.empty();
    }
    String id = m.source();
    done.add(id);
    String error = m.attributes().get(Control.ERROR);
    if (error == null) {
      ended.add(new Ended(id, true, Bodies.decode(m), null, null));
    } else {
      String code = m.attributes().getOrDefault(Control.ERROR_CODE, FederationException.NODE_FAILED);
      ended.add(new Ended(id, false, null, new FederationException(code, error, id, null), null));
    }
    return Mono.empty();
  }

  private TrainResult watch(long t0) {
    long end = f.deadline == null ? Long.MAX_VALUE : System.nanoTime() + f.deadline.toNanos();
    while (true) {
      Ended e;
      try {
        long left = end - System.nanoTime();
        e = left <= 0 ? null : ended.poll(Math.min(left, TimeUnit.DAYS.toNanos(1)), TimeUnit.NANOSECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return result(TrainResult.Outcome.STOPPED, null, t0);
      }
      if (e == null) {
        if (System.nanoTime() - end >= 0) {
          LOG.info("federation {} reached its deadline of {}", f.config.namespace(), f.deadline);
          return result(TrainResult.Outcome.DEADLINE, null, t0);
        }
        continue;
      }
      if (e.stop() != null) {
        return result(e.stop(), null, t0);
      }
      if (!e.ok()) {
        Throwable cause = e.failure();
        if (cause instanceof FederationException fe && fe.nodeId().orElse("").equals(e.nodeId())
            && fe.code().equals(FederationException.NODE_FAILED)) {
          throw fe;
        }
        throw new FederationException(FederationException.NODE_FAILED, e.nodeId() + " failed: " + cause, e.nodeId(),
            cause);
      }
      LOG.debug("{}'s train returned", e.nodeId());
      if (e.nodeId().equals(f.serverId)) {
        return result(TrainResult.Outcome.COMPLETED, e.result(), t0);
      }
    }
  }

  private static TrainResult result(TrainResult.Outcome outcome, Object value, long t0) {
    return new TrainResult(outcome, value, Duration.ofNanos(System.nanoTime() - t0));
  }

  /** Releases every waiting node, interrupts and joins the threads, tells remote nodes to stop, closes the host. */
  private void shutdown(NodeHost host) {
    for (Map.Entry<String, Inbox> e : inboxes.entrySet()) {
      e.getValue().stop(new FederationException(FederationException.STOPPED, "the federation stopped; "
          + e.getKey() + "'s train must end", e.getKey(), null));
    }
    threads.values().forEach(Thread::interrupt);
    long end = System.nanoTime() + f.stopTimeout.toNanos();
    for (Map.Entry<String, Thread> e : threads.entrySet()) {
      try {
        e.getValue().join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        break;
      }
      if (e.getValue().isAlive()) {
        LOG.warn("{}'s train did not end within {} of the stop; its thread is left (a daemon): let STOPPED and"
            + " interrupts end train", e.getKey(), f.stopTimeout);
      }
    }
    if (!f.remote.isEmpty()) {
      try {
        for (String id : f.remote) {
          if (control != null && !done.contains(id)) {
            control.send(Message.builder().tag(Control.STOP).to(id).attribute(Bodies.RUN, runId).build())
                .block(Duration.ofSeconds(5));
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("could not tell every remote node to stop: {}", e.toString());
      }
    }
    watchers.dispose();
    host.close();
    LOG.debug("federation run {} closed", runId);
  }

}
