package io.fedstream.node.internal;

import io.fedstream.avro.PresenceStatus;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.EventSubscription;
import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Gathered;
import io.fedstream.node.MemberInfo;
import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeSpec;
import io.fedstream.node.PresenceEvent;
import io.fedstream.node.ServeOptions;
import io.fedstream.node.Tracked;
import io.fedstream.node.Trigger;
import io.fedstream.schemas.Topics;
import java.time.Duration;
import java.util.Collection;
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
 * One node served by a host: its identity (spec), lifecycle and the primitive verbs. Sending is
 * its {@link Sender}, receiving its {@link Inbox}; rounds, router calls and writes are the host's
 * {@link Rounds}, {@link RouterLink} and {@link Outbox}. Kept small: an idle node holds its id, its
 * groups, its spec, its sender and its inbox.
 */
final class LocalNode implements Node {

  final String id;
  final String[] groups;
  final Inbox inbox;
  private final NodeHostImpl host;
  private final HostContext ctx;
  private final boolean standalone;
  final Interceptors interceptors;
  final Sender sender;
  final Announcer announcer;
  volatile boolean attached;

  LocalNode(NodeSpec spec, String[] groups, NodeHostImpl host, boolean standalone) {
    this.id = spec.id();
    this.groups = groups;
    this.host = host;
    this.ctx = host.ctx;
    this.standalone = standalone;
    this.announcer = new Announcer(spec, groups, ctx, host.outbox);
    this.interceptors = Interceptors.of(ctx.config.interceptors(), spec.interceptors());
    this.sender = new Sender(id, ctx, host.outbox, interceptors);
    this.inbox = new Inbox(id, groups, interceptors, sender, ctx, host.handlers);
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
    return announcer.spec();
  }

  @Override
  public Mono<Void> start() {
    return host.start().then(host.attach(this));
  }

  // ---- spec (its changes and heartbeats are the node's Announcer)

  @Override
  public Mono<Void> updateRelationships(Map<String, ? extends Collection<String>> relationships) {
    Objects.requireNonNull(relationships, "relationships");
    return announcer.change(s -> s.withRelationships(relationships), attached);
  }

  @Override
  public Mono<Void> addRelationship(String name, String instanceId) {
    return announcer.change(s -> s.toBuilder().relationship(name, instanceId).build(), attached);
  }

  @Override
  public Mono<Void> removeRelationship(String name, String instanceId) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(instanceId, "instanceId");
    return announcer.change(s -> Announcer.without(s, name, instanceId), attached);
  }

  java.util.concurrent.CompletableFuture<Void> heartbeat(PresenceStatus status) {
    return announcer.heartbeat(status);
  }

  // ---- sending (built and handed to the Outbox by the node's Sender)

  @Override
  public Mono<Void> send(Message message) {
    return sender.send(message);
  }

  @Override
  public Tracked isend(Message message) {
    return sender.isend(message);
  }

  @Override
  public Mono<Message> request(Message message) {
    return request(message, ctx.defaultDeadline);
  }

  @Override
  public Mono<Message> request(Message message, Duration deadline) {
    requirePositive(deadline);
    return sender.rawRequest(message, deadline).flatMap(r -> r.error().isPresent()
        ? Mono.error(r.error().get().toException()) : Mono.just(r));
  }

  @Override
  public Mono<Void> reply(Message request, Message reply) {
    return sender.reply(request, reply, true);
  }

  @Override
  public Mono<Void> replyError(Message request, ErrorCode code, String reason) {
    return sender.replyError(request, code, reason, true);
  }

  @Override
  public Mono<Gathered> scatter(List<Message> requests, GatherPolicy policy) {
    return host.rounds.scatter(sender, requests, policy);
  }

  @Override
  public Mono<Void> broadcast(String group, Message message) {
    return host.rounds.toGroup(sender, group, sender.forGroup(message));
  }

  @Override
  public Mono<Gathered> broadcast(String group, Message request, GatherPolicy policy) {
    return host.rounds.broadcast(sender, group, request, policy);
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
    return host.routerLink.emit(sender, role, instance, channel, event);
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
    return sender.requestChannel(role, channel, request, deadline);
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
