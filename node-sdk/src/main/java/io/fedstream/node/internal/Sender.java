package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.Tracked;
import io.fedstream.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * What one node writes, up to the {@link Outbox}: the message's one build (wire-only fields, the
 * trace), the node's outbound interceptors, and the requests that wait for their replies in
 * {@link Calls}. The parts of the host that send for a node ({@link Rounds}, {@link RouterLink},
 * {@link Handlers}) hold this as the node's {@link NodeSide}.
 */
final class Sender implements NodeSide {

  private final String id;
  private final HostContext ctx;
  private final Outbox outbox;
  private final Interceptors interceptors;

  Sender(String id, HostContext ctx, Outbox outbox, Interceptors interceptors) {
    this.id = id;
    this.ctx = ctx;
    this.outbox = outbox;
    this.interceptors = interceptors;
  }

  @Override
  public String id() {
    return id;
  }

  /** A one-way message to its destination's mailbox; the acknowledgement on a delivery thread. */
  Mono<Void> send(Message message) {
    Message m = prepare(message, Message.Kind.MESSAGE, true, false);
    return out(ctx.layout.mailTo(m.destination().get()), m.destination().get(), m, true);
  }

  /** A message sent at once; its acknowledgement hops to a delivery thread only for those who ask. */
  Tracked isend(Message message) {
    Message m = prepare(message, message.sessionType() == Message.SessionType.TASK ? Message.Kind.REQUEST
        : Message.Kind.MESSAGE, true, false);
    Mono<Void> sent = out(ctx.layout.mailTo(m.destination().get()), m.destination().get(), m, false).cache();
    sent.subscribe(null, e -> { });
    return new Sent(m.id(), m.sessionId(), sent.publishOn(ctx.delivery));
  }

  /** What {@link #isend} returns. */
  private record Sent(String messageId, String sessionId, Mono<Void> acked) implements Tracked {
  }

  /** A request whose reply is emitted even when it carries an error. */
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

  /** A coded error reply; {@code hop} as in {@link #reply(Message, Message, boolean)}. */
  @Override
  public Mono<Void> replyError(Message request, ErrorCode code, String reason, boolean hop) {
    return reply(request, Message.builder().tag(request.tag()).error(code, reason).build(), hop);
  }

  /** A one-way message to a group, built once; {@link Rounds#toGroup} sends it. */
  Message forGroup(Message message) {
    return prepare(message, message.toBuilder().to(null), Message.Kind.MESSAGE, false, false);
  }

  /** A request to a role's channel; the first instance that takes it replies. */
  Mono<Message> requestChannel(String role, String channel, Message request, Duration deadline) {
    String r = Topics.requireName("role", role);
    String c = Topics.requireName("channel", channel);
    RoleChannels.requireSmall(request, ctx.config.chunkSize());
    return Mono.defer(() -> {
      Message.Builder b = request.toBuilder().to(null).tag(c).replyTo(id).sessionType(Message.SessionType.TASK)
          .deadline(Instant.now().plus(deadline));
      Message m = prepare(request, b, Message.Kind.REQUEST, false, true);
      String topic = Topics.channel(ctx.namespace, r, c);
      return ctx.calls.call(m.id(), "call '" + c + "' of role " + r, deadline,
          Mono.defer(() -> outbox.sendEnsured(topic, m.id(), intercept(topic, m))), ctx.timer);
    }).flatMap(reply -> reply.error().isPresent() ? Mono.error(reply.error().get().toException()) : Mono.just(reply));
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
    return Mono.defer(() -> outbox.send(topic, key, intercept(topic, m), hop));
  }
}
