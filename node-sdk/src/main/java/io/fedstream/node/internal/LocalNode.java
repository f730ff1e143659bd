package io.fedstream.node.internal;

import io.fedstream.schemas.RoutedRecords;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.EventSubscription;
import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Gathered;
import io.fedstream.node.MemberInfo;
import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeException;
import io.fedstream.node.NodeSpec;
import io.fedstream.node.PresenceEvent;
import io.fedstream.node.ServeOptions;
import io.fedstream.node.Tracked;
import io.fedstream.node.Trigger;
import io.fedstream.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * One node served by a host. Kept small: an idle node holds its id, its groups and a few null
 * references; its inbound queue and subscriber tables exist only once used.
 */
final class LocalNode implements Node {

  final String id;
  final String[] groups;
  private final NodeHostImpl host;
  private final boolean standalone;
  final Interceptors interceptors;
  volatile boolean attached;
  private volatile NodeSpec spec;

  // Inbound state, guarded by this.
  private ArrayDeque<Delivery> queue;
  private FluxSink<Delivery> receiver;
  private Map<String, FluxSink<Delivery>> sessions;
  private Map<String, Served> handlers;
  private boolean draining;
  // Deliveries a subscription's sink has taken but not yet handed to its subscriber or given back
  // (publishOn prefetches them). A cancelled subscription gives them back asynchronously; until it
  // has, the next subscriber of the same stream waits, so that it sees them first and in order.
  private Map<FluxSink<Delivery>, java.util.concurrent.atomic.AtomicInteger> held;
  private Map<Object, java.util.concurrent.atomic.AtomicInteger> lingering;
  private boolean missed;
  private boolean closed;
  private volatile Routed routed;

  /** A handler and where it runs. */
  record Served(Function<Message, Mono<Message>> handler, ServeOptions options) {
  }

  LocalNode(NodeSpec spec, String[] groups, NodeHostImpl host, boolean standalone) {
    this.id = spec.id();
    this.groups = groups;
    this.host = host;
    this.standalone = standalone;
    this.spec = spec;
    this.interceptors = Interceptors.of(host.config.interceptors(), spec.interceptors());
  }

  NodeHostImpl host() {
    return host;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String namespace() {
    return host.namespace;
  }

  @Override
  public Set<String> groups() {
    return Set.of(groups);
  }

  @Override
  public NodeSpec spec() {
    return spec;
  }

  @Override
  public Mono<Void> updateRelationships(Map<String, ? extends Collection<String>> relationships) {
    Objects.requireNonNull(relationships, "relationships");
    synchronized (host.heartbeatLock) {
      spec = spec.withRelationships(relationships);
    }
    return announce();
  }

  @Override
  public Mono<Void> addRelationship(String name, String instanceId) {
    synchronized (host.heartbeatLock) {
      spec = spec.toBuilder().relationship(name, instanceId).build();
    }
    return announce();
  }

  @Override
  public Mono<Void> removeRelationship(String name, String instanceId) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(instanceId, "instanceId");
    synchronized (host.heartbeatLock) {
      Map<String, Set<String>> rel = new java.util.LinkedHashMap<>();
      spec.relationships().forEach((k, v) -> {
        Set<String> ids = new LinkedHashSet<>(v);
        if (k.equals(name)) {
          ids.remove(instanceId);
        }
        if (!ids.isEmpty()) {
          rel.put(k, ids);
        }
      });
      spec = spec.withRelationships(rel);
    }
    return announce();
  }

  /** Sends a heartbeat with the current spec now (if attached); the Mono completes on its acknowledgement. */
  private Mono<Void> announce() {
    if (!attached) {
      return Mono.empty();
    }
    return Mono.fromFuture(host.heartbeat(this, io.fedstream.avro.PresenceStatus.ALIVE))
        .onErrorMap(e -> new NodeException(ErrorCode.UNAVAILABLE, "heartbeat of '" + id + "' failed: " + e, e));
  }

  @Override
  public Optional<MemberInfo> memberInfo(String nodeId) {
    return host.presence.info(nodeId);
  }

  @Override
  public List<MemberInfo> memberInfos() {
    return host.presence.infos();
  }

  @Override
  public Mono<Void> start() {
    return host.start().then(host.attach(this));
  }

  // ---- sending

  @Override
  public Mono<Void> send(Message message) {
    Message m = prepare(message, Message.Kind.MESSAGE, true);
    return out(host.mailbox, m.destination().get(), m, true);
  }

  @Override
  public Tracked isend(Message message) {
    Message m = prepare(message, message.sessionType() == Message.SessionType.TASK ? Message.Kind.REQUEST
        : Message.Kind.MESSAGE, true);
    // Sent at once; the acknowledgement hops to a delivery thread only for those who ask for it.
    Mono<Void> sent = out(host.mailbox, m.destination().get(), m, false).cache();
    sent.subscribe(null, e -> { });
    Mono<Void> acked = sent.publishOn(host.delivery);
    return new Tracked() {
      @Override
      public String messageId() {
        return m.id();
      }

      @Override
      public String sessionId() {
        return m.sessionId();
      }

      @Override
      public Mono<Void> acked() {
        return acked;
      }
    };
  }

  @Override
  public Mono<Message> request(Message message) {
    return request(message, host.defaultDeadline);
  }

  @Override
  public Mono<Message> request(Message message, Duration deadline) {
    requirePositive(deadline);
    return rawRequest(message, deadline).flatMap(r -> r.error().isPresent()
        ? Mono.error(r.error().get().toException()) : Mono.just(r));
  }

  /** Emits the reply message even when it carries an error; fails on timeout, not-found, send failure. */
  Mono<Message> rawRequest(Message message, Duration deadline) {
    return Mono.defer(() -> {
      Message m = prepare(message.toBuilder().sessionType(Message.SessionType.TASK)
          .deadline(Instant.now().plus(deadline)).build(), Message.Kind.REQUEST, true, true);
      String dest = m.destination().get();
      long start = System.nanoTime();
      return host.awaitAlive(dest, deadline)
          .then(host.calls.call(m.id(), "request '" + m.tag() + "' to " + dest, deadline,
              out(host.mailbox, dest, m, false), host.timer))
          .doOnSuccess(r -> host.metrics.requestLatency.record(System.nanoTime() - start,
              java.util.concurrent.TimeUnit.NANOSECONDS));
    });
  }

  @Override
  public Mono<Void> reply(Message request, Message reply) {
    return reply(request, reply, true);
  }

  /** A reply; {@code hop=false} for the host's own serve loop (see {@link NodeHostImpl#send(String, String, Message, boolean)}). */
  Mono<Void> reply(Message request, Message reply, boolean hop) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(reply, "reply");
    String to = request.replyTo().orElse(request.source());
    if (to == null) {
      throw new IllegalArgumentException("The request has neither a reply-to nor a source; it was not received.");
    }
    Message.Builder b = reply.toBuilder().to(to).sessionId(request.sessionId())
        .sessionType(request.sessionType()).deadline(request.deadline().orElse(null))
        .traceparent(Trace.child(request.traceparent().orElse(null)));
    Wire.inReplyTo(b, request.id());
    Message m = prepare(b, Message.Kind.REPLY, Wire.isCall(request));
    return out(host.mailbox, to, m, hop);
  }

  @Override
  public Mono<Void> replyError(Message request, ErrorCode code, String reason) {
    return replyError(request, code, reason, true);
  }

  /** A coded error reply; {@code hop} as in {@link #reply(Message, Message, boolean)}. */
  Mono<Void> replyError(Message request, ErrorCode code, String reason, boolean hop) {
    return reply(request, Message.builder().tag(request.tag()).error(code, reason).build(), hop);
  }

  @Override
  public Mono<Gathered> scatter(List<Message> requests, GatherPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    Set<String> expected = new LinkedHashSet<>();
    for (Message r : requests) {
      String d = r.destination().orElseThrow(() -> new IllegalArgumentException(
          "Every scatter request needs a destination; '" + r.tag() + "' has none."));
      if (!expected.add(d)) {
        throw new IllegalArgumentException("Two scatter requests go to '" + d + "'; send one per destination.");
      }
    }
    Duration deadline = policy.deadline().orElse(host.defaultDeadline);
    return Mono.defer(() -> {
      Instant end = Instant.now().plus(deadline);
      Flux<Message> replies = Flux.merge(requests.stream()
          .map(r -> asReply(r.destination().get(), r.tag(), rawRequest(r, deadline))).toList());
      Map<String, Message> byDest = new HashMap<>();
      requests.forEach(r -> byDest.put(r.destination().get(), r));
      return Gatherer.gather(expected, policy, deadline, replies,
          dest -> retry(byDest.get(dest), end), host.timer).publishOn(host.delivery);
    });
  }

  private Mono<Message> retry(Message original, Instant end) {
    Duration left = Duration.between(Instant.now(), end);
    if (left.isNegative() || left.isZero()) {
      return Mono.just(errorReply(original.destination().get(), original.tag(), ErrorCode.TIMEOUT, "deadline passed"));
    }
    Message again = original.toBuilder().id(null).build();
    return asReply(original.destination().get(), original.tag(), rawRequest(again, left));
  }

  private static Mono<Message> asReply(String dest, String tag, Mono<Message> call) {
    return call.onErrorResume(NodeException.class, e -> Mono.just(errorReply(dest, tag, e.errorCode(), e.reason())));
  }

  private static Message errorReply(String dest, String tag, ErrorCode code, String reason) {
    Message.Builder b = Message.builder().tag(tag).error(code, reason);
    Wire.source(b, dest);
    Wire.kind(b, Message.Kind.REPLY);
    return b.build();
  }

  @Override
  public Mono<Void> broadcast(String group, Message message) {
    Message m = prepare(message.toBuilder().to(null).build(), Message.Kind.MESSAGE, false);
    return outToGroup(group, m);
  }

  @Override
  public Mono<Gathered> broadcast(String group, Message request, GatherPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    Duration deadline = policy.deadline().orElse(host.defaultDeadline);
    return Mono.defer(() -> {
      Instant end = Instant.now().plus(deadline);
      Message m = prepare(request.toBuilder().to(null).sessionType(Message.SessionType.TASK).deadline(end)
          .replyTo(id).build(), Message.Kind.REQUEST, false, true);
      Set<String> expected = new LinkedHashSet<>(host.presence.members(io.fedstream.schemas.Topics.normalise(group)));
      expected.remove(id);
      Flux<Message> replies = host.calls.collect(m.id(), deadline, outToGroup(group, m), host.timer);
      return Gatherer.gather(expected, policy, deadline, replies,
          dest -> retry(request.toBuilder().to(dest).sessionId(m.sessionId()).build(), end), host.timer)
          .publishOn(host.delivery);
    });
  }

  /** Fills in the wire-only fields (source, kind, creation time) and the trace; checks the destination. */
  private Message prepare(Message message, Message.Kind kind, boolean needsDestination) {
    return prepare(message, kind, needsDestination, false);
  }

  private Message prepare(Message message, Message.Kind kind, boolean needsDestination, boolean call) {
    Objects.requireNonNull(message, "message");
    if (needsDestination && message.destination().isEmpty()) {
      throw new IllegalArgumentException("Message '" + message.tag() + "' has no destination: call to(nodeId).");
    }
    Message.Builder b = message.toBuilder();
    TraceInterceptor.stamp(message, b);
    return prepare(b, kind, call);
  }

  /** The last step of every send's one build: wire-only fields on a builder. */
  private Message prepare(Message.Builder b, Message.Kind kind, boolean call) {
    Wire.source(b, id);
    Wire.kind(b, kind);
    Wire.createdAt(b, Instant.now());
    Wire.call(b, call);
    return b.build();
  }

  /** Sends through the outbound interceptors; an interceptor's failure fails this send alone. */
  private Mono<Void> out(String topic, String key, Message m, boolean hop) {
    return Mono.defer(() -> host.send(topic, key, interceptors.outbound(id, topic, m), hop));
  }

  private Mono<Void> outToGroup(String group, Message m) {
    return Mono.defer(() -> host.sendToGroup(group,
        interceptors.outbound(id, io.fedstream.schemas.Topics.group(host.namespace, group), m)));
  }

  private static void requirePositive(Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + d);
    }
  }

  // ---- receiving

  @Override
  public Flux<Message> receive() {
    return inbound(null);
  }

  @Override
  public Flux<Message> receiveById(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    return inbound(sessionId);
  }

  private Flux<Message> inbound(String sessionId) {
    Object stream = sessionId == null ? RECEIVE_STREAM : sessionId;
    return Flux.defer(() -> {
      java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
      Flux<Delivery> source = Flux.create(sink -> {
        synchronized (this) {
          if (closed) {
            sink.complete();
            return;
          }
          if (sessionId == null) {
            if (receiver != null && !receiver.isCancelled()) {
              sink.error(new IllegalStateException("Node '" + id + "' already has a receive() subscriber."));
              return;
            }
            receiver = sink;
          } else {
            if (sessions == null) {
              sessions = new HashMap<>(4);
            }
            FluxSink<Delivery> previous = sessions.get(sessionId);
            if (previous != null && !previous.isCancelled()) {
              sink.error(new IllegalStateException("Session '" + sessionId + "' of node '" + id
                  + "' already has a receiveById subscriber."));
              return;
            }
            sessions.put(sessionId, sink);
          }
          if (held == null) {
            held = new java.util.IdentityHashMap<>(4);
          }
          held.put(sink, taken);
        }
        sink.onRequest(n -> drain());
        sink.onDispose(() -> {
          synchronized (this) {
            if (sessionId == null) {
              if (receiver == sink) {
                receiver = null;
              }
            } else if (sessions != null) {
              sessions.remove(sessionId, sink);
            }
            if (held != null) {
              held.remove(sink);
            }
            if (taken.get() > 0) {
              if (lingering == null) {
                lingering = new HashMap<>(4);
              }
              lingering.put(stream, taken);
            }
          }
        });
        drain();
      });
      return source.publishOn(host.delivery, 32)
          .doOnNext(d -> taken.decrementAndGet())
          .transform(Operators.<Delivery, Message>lift((sc, actual) -> Unwrap.of(actual)))
          .doOnDiscard(Delivery.class, d -> {
            requeue(d);
            if (taken.decrementAndGet() == 0) {
              drain();
            }
          });
    });
  }

  @Override
  public Disposable serve(String tag, Function<Message, Mono<Message>> handler) {
    return serve(tag, handler, ServeOptions.workers());
  }

  @Override
  public Disposable serve(String tag, Function<Message, Mono<Message>> handler, ServeOptions options) {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    Served served = new Served(handler, options);
    List<Delivery> waiting = new java.util.ArrayList<>();
    synchronized (this) {
      if (handlers == null) {
        handlers = new HashMap<>(4);
      }
      if (handlers.putIfAbsent(tag, served) != null) {
        throw new IllegalStateException("Tag '" + tag + "' of node '" + id + "' already has a handler.");
      }
      if (queue != null) {
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext();) {
          Delivery d = it.next();
          if (d.message.tag().equals(tag)) {
            it.remove();
            waiting.add(d);
          }
        }
      }
    }
    waiting.forEach(d -> host.runHandler(this, served, d));
    return () -> {
      synchronized (this) {
        handlers.remove(tag, served);
      }
    };
  }

  // ---- the router: events, subscriptions, registrations

  @Override
  public Mono<Void> emit(String role, String channel, Message event) {
    return emit(role, id, channel, event);
  }

  @Override
  public Mono<Void> emit(String role, String instance, String channel, Message event) {
    String r = Topics.requireName("role", role);
    if (r.equals(RoutedRecords.PRESENCE_ROLE)) {
      throw new IllegalArgumentException("Role 'presence' is reserved for the router's join and leave events.");
    }
    String c = Topics.requireName("channel", channel);
    if (instance == null || instance.isBlank()) {
      throw new IllegalArgumentException("Role instance id required (the node id unless given).");
    }
    Objects.requireNonNull(event, "event");
    Message m = prepare(event.toBuilder().to(null).tag(c).build(), Message.Kind.EVENT, false);
    String topic = Topics.events(host.namespace, r);
    return Mono.defer(() -> host.sendEvent(topic, r, c, instance, interceptors.outbound(id, topic, m)));
  }


  private Routed routed() {
    Routed r = routed;
    if (r == null) {
      synchronized (this) {
        if (routed == null) {
          routed = new Routed(id);
        }
        r = routed;
      }
    }
    return r;
  }

  @Override
  public Flux<Message> subscribe(EventSubscription subscription) {
    Objects.requireNonNull(subscription, "subscription");
    String topic = Topics.subscriptions(host.namespace);
    boolean once = subscription.mode() == EventSubscription.Mode.ONCE;
    return Flux.defer(() -> {
      String sid = java.util.UUID.randomUUID().toString();
      Flux<Delivery> source = Flux.create(sink -> {
        Routed r = routed();
        if (!r.addSubscription(sid, sink, once)) {
          sink.complete();
          return;
        }
        Mono<Void> written = host.writeSubscription(sid, id, subscription).cache();
        // the tombstone follows the record, even when the Flux is cancelled before the write is done
        sink.onDispose(() -> {
          r.removeSubscription(sid, sink);
          written.onErrorResume(e -> Mono.empty()).doFinally(x -> host.tombstone(topic, sid)).subscribe();
        });
        written.subscribe(null, sink::error);
      }, FluxSink.OverflowStrategy.BUFFER);
      return source.publishOn(host.delivery, 32)
          .transform(Operators.<Delivery, Message>lift((sc, actual) -> Unwrap.of(actual)))
          .doOnDiscard(Delivery.class, Delivery::processed);
    });
  }

  @Override
  public Flux<Trigger> register(String expression, String handlerId) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("Expression required, e.g. \"w:update:2 AND m:update:1\".");
    }
    if (handlerId == null || handlerId.isBlank()) {
      throw new IllegalArgumentException("Handler id required.");
    }
    String topic = Topics.conditionalEvents(host.namespace);
    return Flux.defer(() -> {
      String rid = java.util.UUID.randomUUID().toString();
      Flux<Delivery> source = Flux.create(sink -> {
        Routed r = routed();
        if (!r.addRegistration(rid, sink)) {
          sink.complete();
          return;
        }
        Mono<Void> written = host.writeRegistration(rid, id, handlerId, expression).cache();
        sink.onDispose(() -> {
          r.removeRegistration(rid, sink);
          written.onErrorResume(e -> Mono.empty()).doFinally(x -> host.tombstone(topic, rid)).subscribe();
        });
        written.subscribe(null, sink::error);
      }, FluxSink.OverflowStrategy.BUFFER);
      return source.publishOn(host.delivery, 32)
          .transform(Operators.<Delivery, Trigger>lift((sc, actual) -> new Unwrap<>(actual, host::toTrigger)))
          .doOnDiscard(Delivery.class, Delivery::processed);
    });
  }

  /** A message for this node, from the poll thread. */
  void offer(Delivery d) {
    if (Routed.isRouted(d.message)) {
      Routed r = routed;
      if (r != null) {
        r.offer(d);
      } else {
        d.processed(); // a routed event or trigger for a subscription of an earlier process
      }
      return;
    }
    Served h;
    synchronized (this) {
      h = handlers == null ? null : handlers.get(d.message.tag());
      if (h == null) {
        if (queue == null) {
          queue = new ArrayDeque<>();
        }
        queue.add(d);
      }
    }
    if (h != null) {
      host.runHandler(this, h, d);
    } else {
      drain();
    }
  }

  private synchronized void requeue(Delivery d) {
    if (closed) {
      return;
    }
    if (queue == null) {
      queue = new ArrayDeque<>();
    }
    if (queue.isEmpty() || queue.peekFirst().seq > d.seq) {
      queue.addFirst(d);
      return;
    }
    // rare: several deliveries come back from a cancelled subscriber; put this one in arrival order
    java.util.List<Delivery> all = new java.util.ArrayList<>(queue);
    int i = 0;
    while (i < all.size() && all.get(i).seq < d.seq) {
      i++;
    }
    all.add(i, d);
    queue.clear();
    queue.addAll(all);
  }

  /** The key of the plain {@code receive()} stream among the session streams. */
  private static final Object RECEIVE_STREAM = new Object();

  private synchronized void drain() {
    if (draining) {
      missed = true;
      return;
    }
    draining = true;
    try {
      do {
        missed = false;
        if (queue == null || queue.isEmpty()) {
          break;
        }
        // Demand can grow on another thread during a pass; once a subscriber was skipped for lack of
        // demand, later messages for it wait for the next pass, so it never sees them out of order.
        java.util.Set<FluxSink<Delivery>> full = null;
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext();) {
          Delivery d = it.next();
          FluxSink<Delivery> s = sessions == null ? null : sessions.get(d.message.sessionId());
          if (s == null || s.isCancelled()) {
            s = receiver;
          }
          if (s == null || s.isCancelled() || (full != null && full.contains(s))) {
            continue;
          }
          Object stream = s == receiver ? RECEIVE_STREAM : d.message.sessionId();
          java.util.concurrent.atomic.AtomicInteger before = lingering == null ? null : lingering.get(stream);
          if (before != null && before.get() == 0) {
            lingering.remove(stream);
            before = null;
          }
          if (before == null && s.requestedFromDownstream() > 0) {
            it.remove();
            java.util.concurrent.atomic.AtomicInteger taken = held == null ? null : held.get(s);
            if (taken != null) {
              taken.incrementAndGet();
            }
            s.next(d);
          } else {
            if (full == null) {
              full = new java.util.HashSet<>(4);
            }
            full.add(s);
          }
        }
      } while (missed);
    } finally {
      draining = false;
    }
  }

  /** Ends the inbound streams; undelivered messages stay uncommitted, so a restart gets them again. */
  void closeInbound() {
    Routed routedNow = routed;
    if (routedNow != null) {
      routedNow.closeAll();
    }
    FluxSink<Delivery> r;
    Map<String, FluxSink<Delivery>> s;
    synchronized (this) {
      closed = true;
      r = receiver;
      s = sessions == null ? Map.of() : new HashMap<>(sessions);
      receiver = null;
      sessions = null;
      queue = null;
    }
    if (r != null) {
      r.complete();
    }
    s.values().forEach(FluxSink::complete);
  }

  synchronized int queued() {
    return queue == null ? 0 : queue.size();
  }

  // ---- presence

  @Override
  public Flux<PresenceEvent> presence() {
    return Flux.defer(() -> Flux.concat(Flux.fromIterable(host.presence.snapshot()), host.presence.events()));
  }

  @Override
  public Set<String> members(String group) {
    return host.presence.members(io.fedstream.schemas.Topics.normalise(group));
  }

  @Override
  public Mono<Set<String>> awaitMembers(String group, int n, Duration deadline) {
    requirePositive(deadline);
    String g = io.fedstream.schemas.Topics.requireName("group", group);
    // Counted on every join (O(1)); the member set is built once the count is reached. Building
    // it per join made waiting for N members O(N^2) on the poll thread, which then lagged behind
    // the heartbeats it had to read.
    return Flux.merge(host.presence.events().filter(e -> e.groups().contains(g)).map(e -> 0), Mono.just(0))
        .filter(x -> host.presence.count(g) >= n)
        .map(x -> members(g))
        .filter(s -> s.size() >= n)
        .next()
        .timeout(deadline, Mono.error(() -> new NodeException.DeadlineExceededException(
            "fewer than " + n + " members of group '" + g + "' alive after " + deadline.toMillis() + " ms: "
                + members(g))), host.timer)
        .publishOn(host.delivery);
  }

  @Override
  public void close() {
    if (standalone) {
      host.close();
    } else {
      host.removeNode(this);
    }
  }

  @Override
  public String toString() {
    return "Node{" + id + "@" + host.namespace + "}";
  }
}
