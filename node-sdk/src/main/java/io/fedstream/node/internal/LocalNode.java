package io.fedstream.node.internal;

import io.fedstream.avro.PresenceStatus;
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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One node served by a host: its identity (spec), lifecycle and the primitive verbs. Receiving is
 * its {@link Inbox}; rounds, router calls and writes are the host's {@link Rounds}, {@link
 * RouterLink} and {@link Outbox}. Kept small: an idle node holds its id, its groups, its spec and
 * its inbox.
 */
final class LocalNode implements Node, NodeSide {

  final String id;
  final String[] groups;
  final Inbox inbox;
  private final NodeHostImpl host;
  private final HostContext ctx;
  private final boolean standalone;
  final Interceptors interceptors;
  volatile boolean attached;
  private volatile NodeSpec spec;

  LocalNode(NodeSpec spec, String[] groups, NodeHostImpl host, boolean standalone) {
    this.id = spec.id();
    this.groups = groups;
    this.host = host;
    this.ctx = host.ctx;
    this.standalone = standalone;
    this.spec = spec;
    this.interceptors = Interceptors.of(ctx.config.interceptors(), spec.interceptors());
    this.inbox = new Inbox(id, groups, interceptors, this, ctx, host.handlers);
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
    return ctx.namespace;
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
  public Mono<Void> start() {
    return host.start().then(host.attach(this));
  }

  // ---- spec

  @Override
  public Mono<Void> updateRelationships(Map<String, ? extends Collection<String>> relationships) {
    Objects.requireNonNull(relationships, "relationships");
    synchronized (host.outbox.heartbeatLock) {
      spec = spec.withRelationships(relationships);
    }
    return announce();
  }

  @Override
  public Mono<Void> addRelationship(String name, String instanceId) {
    synchronized (host.outbox.heartbeatLock) {
      spec = spec.toBuilder().relationship(name, instanceId).build();
    }
    return announce();
  }

  @Override
  public Mono<Void> removeRelationship(String name, String instanceId) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(instanceId, "instanceId");
    synchronized (host.outbox.heartbeatLock) {
      Map<String, Set<String>> rel = new LinkedHashMap<>();
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
    return Mono.fromFuture(heartbeat(PresenceStatus.ALIVE))
        .onErrorMap(e -> new NodeException(ErrorCode.UNAVAILABLE, "heartbeat of '" + id + "' failed: " + e, e));
  }

  java.util.concurrent.CompletableFuture<Void> heartbeat(PresenceStatus status) {
    return host.outbox.heartbeat(id, groups, this::spec, status);
  }

  // ---- sending

  @Override
  public Mono<Void> send(Message message) {
    Message m = prepare(message, Message.Kind.MESSAGE, true, false);
    return out(ctx.layout.mailTo(m.destination().get()), m.destination().get(), m, true);
  }

  @Override
  public Tracked isend(Message message) {
    Message m = prepare(message, message.sessionType() == Message.SessionType.TASK ? Message.Kind.REQUEST
        : Message.Kind.MESSAGE, true, false);
    // Sent at once; the acknowledgement hops to a delivery thread only for those who ask for it.
    Mono<Void> sent = out(ctx.layout.mailTo(m.destination().get()), m.destination().get(), m, false).cache();
    sent.subscribe(null, e -> { });
    Mono<Void> acked = sent.publishOn(ctx.delivery);
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
    return request(message, ctx.defaultDeadline);
  }

  @Override
  public Mono<Message> request(Message message, Duration deadline) {
    requirePositive(deadline);
    return rawRequest(message, deadline).flatMap(r -> r.error().isPresent()
        ? Mono.error(r.error().get().toException()) : Mono.just(r));
  }

  /** Emits the reply message even when it carries an error; fails on timeout, not-found, send failure. */
  @Override
  public Mono<Message> rawRequest(Message message, Duration deadline) {
    return Mono.defer(() -> {
      Message.Builder b = message.toBuilder().sessionType(Message.SessionType.TASK).deadline(Instant.now().plus(deadline));
      Message m = prepare(message, b, Message.Kind.REQUEST, true, true);
      String dest = m.destination().get();
      long start = System.nanoTime();
      return ctx.presence.awaitAlive(dest, deadline, ctx.config.livenessTimeoutMs(), ctx.namespace, ctx.timer)
          .then(ctx.calls.call(m.id(), "request '" + m.tag() + "' to " + dest, deadline,
              out(ctx.layout.mailTo(dest), dest, m, false), ctx.timer))
          .doOnSuccess(r -> ctx.metrics.requestLatency.record(System.nanoTime() - start,
              java.util.concurrent.TimeUnit.NANOSECONDS));
    });
  }

  @Override
  public Mono<Void> reply(Message request, Message reply) {
    return reply(request, reply, true);
  }

  /** A reply; {@code hop=false} for the host's own serve loop (see {@link Outbox#send(String, String, Message, boolean)}). */
  @Override
  public Mono<Void> reply(Message request, Message reply, boolean hop) {
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
    return out(ctx.layout.mailTo(to), to, m, hop);
  }

  @Override
  public Mono<Void> replyError(Message request, ErrorCode code, String reason) {
    return replyError(request, code, reason, true);
  }

  /** A coded error reply; {@code hop} as in {@link #reply(Message, Message, boolean)}. */
  @Override
  public Mono<Void> replyError(Message request, ErrorCode code, String reason, boolean hop) {
    return reply(request, Message.builder().tag(request.tag()).error(code, reason).build(), hop);
  }

  @Override
  public Mono<Gathered> scatter(List<Message> requests, GatherPolicy policy) {
    return host.rounds.scatter(this, requests, policy);
  }

  @Override
  public Mono<Void> broadcast(String group, Message message) {
    Message.Builder b = message.toBuilder().to(null);
    Message m = prepare(message, b, Message.Kind.MESSAGE, false, false);
    return host.rounds.toGroup(this, group, m);
  }

  @Override
  public Mono<Gathered> broadcast(String group, Message request, GatherPolicy policy) {
    return host.rounds.broadcast(this, group, request, policy);
  }

  /** Checks the destination; stamps the trace and the wire-only fields in the message's one build. */
  private Message prepare(Message message, Message.Kind kind, boolean needsDestination, boolean call) {
    Objects.requireNonNull(message, "message");
    return prepare(message, message.toBuilder(), kind, needsDestination, call);
  }

  private Message prepare(Message message, Message.Builder b, Message.Kind kind, boolean needsDestination,
      boolean call) {
    if (needsDestination && message.destination().isEmpty()) {
      throw new IllegalArgumentException("Message '" + message.tag() + "' has no destination: call to(nodeId).");
    }
    TraceInterceptor.stamp(message, b);
    return prepare(b, kind, call);
  }

  /** The last step of every send's one build: wire-only fields on a builder. */
  @Override
  public Message prepare(Message.Builder b, Message.Kind kind, boolean call) {
    Wire.source(b, id);
    Wire.kind(b, kind);
    Wire.createdAt(b, Instant.now());
    Wire.call(b, call);
    return b.build();
  }

  @Override
  public Message intercept(String topic, Message m) {
    return interceptors.outbound(id, topic, m);
  }

  /** Sends through the outbound interceptors; an interceptor's failure fails this send alone. */
  private Mono<Void> out(String topic, String key, Message m, boolean hop) {
    return Mono.defer(() -> host.outbox.send(topic, key, intercept(topic, m), hop));
  }

  private static void requirePositive(Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + d);
    }
  }

  // ---- receiving

  @Override
  public Flux<Message> receive() {
    return inbox.stream(null);
  }

  @Override
  public Flux<Message> receiveById(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    return inbox.stream(sessionId);
  }

  @Override
  public Disposable serve(String tag, Function<Message, Mono<Message>> handler) {
    return inbox.serve(tag, handler, ServeOptions.workers());
  }

  @Override
  public Disposable serve(String tag, Function<Message, Mono<Message>> handler, ServeOptions options) {
    return inbox.serve(tag, handler, options);
  }

  // ---- the router

  @Override
  public Mono<Void> emit(String role, String channel, Message event) {
    return emit(role, id, channel, event);
  }

  @Override
  public Mono<Void> emit(String role, String instance, String channel, Message event) {
    return host.routerLink.emit(this, role, instance, channel, event);
  }

  @Override
  public Flux<Message> subscribe(EventSubscription subscription) {
    return host.routerLink.subscribe(inbox, subscription, null);
  }

  @Override
  public Flux<Message> subscribe(EventSubscription subscription, Runnable onLive) {
    return host.routerLink.subscribe(inbox, subscription, onLive);
  }

  @Override
  public Disposable serveChannels(String role, Map<String, Function<Message, Mono<Message>>> handlers) {
    return RoleChannels.serve(host, this, role, handlers);
  }

  @Override
  public Mono<Message> requestChannel(String role, String channel, Message request, Duration deadline) {
    requirePositive(deadline);
    String r = Topics.requireName("role", role);
    String c = Topics.requireName("channel", channel);
    RoleChannels.requireSmall(request, ctx.config.chunkSize());
    return Mono.defer(() -> {
      Message.Builder b = request.toBuilder().to(null).tag(c).replyTo(id).sessionType(Message.SessionType.TASK)
          .deadline(Instant.now().plus(deadline));
      Message m = prepare(request, b, Message.Kind.REQUEST, false, true);
      String topic = Topics.channel(ctx.namespace, r, c);
      return ctx.calls.call(m.id(), "call '" + c + "' of role " + r, deadline,
          Mono.defer(() -> host.outbox.sendEnsured(topic, m.id(), intercept(topic, m))), ctx.timer);
    }).flatMap(reply -> reply.error().isPresent() ? Mono.error(reply.error().get().toException()) : Mono.just(reply));
  }

  @Override
  public Flux<Trigger> register(String expression, String handlerId) {
    return host.routerLink.register(inbox, expression, handlerId);
  }

  // ---- presence

  @Override
  public Flux<PresenceEvent> presence() {
    return ctx.presence.currentThenChanges();
  }

  @Override
  public Set<String> members(String group) {
    return ctx.presence.members(Topics.normalise(group));
  }

  @Override
  public Optional<MemberInfo> memberInfo(String nodeId) {
    return ctx.presence.info(nodeId);
  }

  @Override
  public List<MemberInfo> memberInfos() {
    return ctx.presence.infos();
  }

  @Override
  public Mono<Set<String>> awaitMembers(String group, int n, Duration deadline) {
    requirePositive(deadline);
    String g = Topics.requireName("group", group);
    return ctx.presence.awaitMembers(g, n, deadline, ctx.timer).publishOn(ctx.delivery);
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
    return "Node{" + id + "@" + ctx.namespace + "}";
  }
}
