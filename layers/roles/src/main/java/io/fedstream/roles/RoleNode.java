package io.fedstream.roles;

import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeSpec;
import io.fedstream.node.ServeOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * RoleML's actor: a {@link Node} with the roles deployed on it and its relationships. Relationships
 * live in the node's {@link NodeSpec} (so its heartbeats carry them); change them through this
 * class ({@link #addToRelationship}, {@link #removeFromRelationship}), which also moves the
 * automatic subscriptions that follow them.
 *
 * <pre>{@code
 * try (RoleNode alice = RoleNode.create(config, NodeSpec.builder("alice").roles("provider").build())) {
 *   alice.deploy("provider", new ServiceTaskProvider());
 *   ...
 * }
 * }</pre>
 *
 * <p>Handlers, event handlers and {@code run()} methods may block: they run on a bounded worker pool
 * of this node ({@link Settings#workers()} threads) or, for {@code run()}, a thread of their own.
 */
public final class RoleNode implements AutoCloseable {

  /** Tag of the progress reports a task's callee sends to its caller's mailbox. */
  static final String PROGRESS_TAG = "roles.progress";

  /**
   * The layer's settings.
   *
   * @param serviceDeadline how long a service call waits for its result (default 30 s)
   * @param progressInterval how often the callee of a running task reports that it is alive
   *     (default 1 s)
   * @param taskSilence how long a task call waits without any report before it fails with
   *     {@code DeadlineExceededException} (default 10 s)
   * @param taskLimit the wall-clock limit of a task call however much it progresses (default 24 h)
   * @param workers threads of the worker pool (default 32)
   */
  public record Settings(Duration serviceDeadline, Duration progressInterval, Duration taskSilence,
      Duration taskLimit, int workers) {

    /** Checks the values. @throws IllegalArgumentException if a duration is not positive, the pool empty or the silence not longer than the interval */
    public Settings {
      for (Duration d : List.of(serviceDeadline, progressInterval, taskSilence, taskLimit)) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("Durations must be positive: " + d);
        }
      }
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be at least 1, was " + workers);
      }
      if (taskSilence.compareTo(progressInterval) <= 0) {
        throw new IllegalArgumentException("taskSilence (" + taskSilence + ") must exceed progressInterval ("
            + progressInterval + ").");
      }
    }

    /** The defaults: 30 s, 1 s, 10 s, 24 h, 32 workers. */
    public static Settings defaults(Node node) {
      return new Settings(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofHours(24), 32);
    }
  }

  final Node node;
  final Settings settings;
  final Scheduler workers;
  private final boolean ownsNode;
  private final Map<String, Deployment> roles = new ConcurrentHashMap<>();
  private final List<RelationshipListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, Sinks.Many<Boolean>> progress = new ConcurrentHashMap<>();
  private final Disposable progressHandler;
  private final Object relationshipLock = new Object();
  private volatile boolean closed;

  /** Told when instances join or leave a relationship. */
  interface RelationshipListener {
    void changed(String relationship, Set<RoleInstanceId> added, Set<RoleInstanceId> removed);
  }

  private RoleNode(Node node, Settings settings, boolean ownsNode) {
    this.node = node;
    this.settings = settings;
    this.ownsNode = ownsNode;
    this.workers = Schedulers.newBoundedElastic(settings.workers(), 10_000, "roles-" + node.id(), 60, true);
    this.progressHandler = node.serve(PROGRESS_TAG, m -> {
      Object call = m.arg("call");
      Sinks.Many<Boolean> s = call == null ? null : progress.get(call.toString());
      if (s != null) {
        s.tryEmitNext(Boolean.TRUE);
      }
      return Mono.empty();
    }, ServeOptions.pollThread());
  }

  /**
   * Roles on a node that is already started. The node stays the caller's: {@link #close()} stops
   * the roles, not the node.
   */
  public static RoleNode on(Node node) {
    return new RoleNode(node, Settings.defaults(node), false);
  }

  /** As {@link #on(Node)}, with settings. */
  public static RoleNode on(Node node, Settings settings) {
    return new RoleNode(node, settings, false);
  }

  /**
   * Creates and starts a node from a config and a spec (its roles and relationships), and owns it:
   * {@link #close()} closes it too.
   */
  public static RoleNode create(NodeConfig config, NodeSpec spec) {
    Node n = Node.create(config, spec);
    try {
      n.start().block(Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
    return new RoleNode(n, Settings.defaults(n), true);
  }

  /** The node underneath; every node API stays available. */
  public Node node() {
    return node;
  }

  /** The node id (RoleML's actor name). */
  public String id() {
    return node.id();
  }

  /**
   * Deploys a role under a name and starts it: STARTING (its event channels bound, its automatic
   * subscriptions made and live), then READY (its channels served, a {@link Runnable} role's
   * {@code run()} started on a thread of its own). Returns once READY.
   *
   * @param name the role's name on this node (normalised by {@link Names}); callers and
   *     relationships name it {@code node/name}
   * @param role the role
   * @return the role, READY
   * @throws IllegalArgumentException if the class declares something wrong (a bad handler
   *     signature, two channels of one name, expand without parameter names), or the name is taken
   * @throws IllegalStateException if this role object is deployed already or the node is closed
   */
  public <R extends Role> R deploy(String name, R role) {
    if (closed) {
      throw new IllegalStateException("RoleNode '" + id() + "' is closed.");
    }
    String n = Names.of(name);
    Deployment d = new Deployment(this, n, role);
    if (roles.putIfAbsent(n, d) != null) {
      throw new IllegalArgumentException("Node '" + id() + "' already has a role named '" + n + "'.");
    }
    if (node.spec().roles().stream().noneMatch(r -> Names.of(r).equals(n))) {
      org.slf4j.LoggerFactory.getLogger(RoleNode.class).warn("node {}: role '{}' is deployed but not in the node's"
          + " NodeSpec roles, so its heartbeats do not announce it", id(), n);
    }
    try {
      d.start();
    } catch (RuntimeException e) {
      roles.remove(n, d);
      d.stop();
      throw e;
    }
    return role;
  }

  /** The role deployed under that name, if any. */
  public Optional<Role> role(String name) {
    Deployment d = roles.get(Names.of(name));
    return d == null ? Optional.empty() : Optional.of(d.role);
  }

  boolean hasRole(String name) {
    return roles.containsKey(name);
  }

  /** The instances of a relationship now (empty if unknown). */
  public Set<RoleInstanceId> relationship(String name) {
    String n = Names.of(name);
    Set<RoleInstanceId> out = new LinkedHashSet<>();
    node.spec().relationships().forEach((k, ids) -> {
      if (Names.of(k).equals(n)) {
        ids.forEach(id -> out.add(RoleInstanceId.of(id)));
      }
    });
    return out;
  }

  /**
   * Adds instances to a relationship: the node's spec changes (its next heartbeat, sent at once,
   * carries it), and the automatic subscriptions that follow the relationship subscribe to the new
   * instances. Returns once those subscriptions are live.
   */
  public void addToRelationship(String name, RoleInstanceId... instances) {
    change(Names.of(name), List.of(instances), true);
  }

  /** Removes instances from a relationship; the subscriptions following it to them are removed. */
  public void removeFromRelationship(String name, RoleInstanceId... instances) {
    change(Names.of(name), List.of(instances), false);
  }

  private void change(String name, Collection<RoleInstanceId> instances, boolean add) {
    Set<RoleInstanceId> changed = new LinkedHashSet<>();
    synchronized (relationshipLock) {
      Set<RoleInstanceId> before = relationship(name);
      for (RoleInstanceId i : instances) {
        if (add ? before.add(i) : before.remove(i)) {
          changed.add(i);
        }
      }
      if (changed.isEmpty()) {
        return;
      }
      Map<String, Set<String>> all = new java.util.LinkedHashMap<>(node.spec().relationships());
      all.keySet().removeIf(k -> Names.of(k).equals(name));
      Set<String> ids = new LinkedHashSet<>();
      before.forEach(i -> ids.add(i.toString()));
      if (ids.isEmpty()) {
        all.remove(name);
      } else {
        all.put(name, ids);
      }
      node.updateRelationships(all).onErrorResume(e -> Mono.empty()).subscribe();
    }
    for (RelationshipListener l : listeners) {
      l.changed(name, add ? changed : Set.of(), add ? Set.of() : changed);
    }
  }

  void listen(RelationshipListener l) {
    listeners.add(l);
  }

  void unlisten(RelationshipListener l) {
    listeners.remove(l);
  }

  /** Progress reports of one task call, while it waits. */
  Sinks.Many<Boolean> progressOf(String callId) {
    return progress.computeIfAbsent(callId, k -> Sinks.many().multicast().directBestEffort());
  }

  void forgetProgress(String callId) {
    progress.remove(callId);
  }

  /**
   * Stops every role (STOPPING: subscriptions and channels removed, {@code run()} threads
   * interrupted and joined for up to 10 s; then TERMINATED), in the reverse order of deployment,
   * then the worker pool, then the node if this role node created it.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<Deployment> all = new ArrayList<>(roles.values());
    java.util.Collections.reverse(all);
    all.forEach(Deployment::stop);
    roles.clear();
    progressHandler.dispose();
    workers.dispose();
    if (ownsNode) {
      node.close();
    }
  }

  @Override
  public String toString() {
    return "RoleNode{" + id() + " " + roles.keySet() + "}";
  }
}
