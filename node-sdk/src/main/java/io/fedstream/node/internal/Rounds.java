package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Gathered;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rounds of requests: scatter (different requests to several nodes), broadcast-and-gather (one
 * request to a group), each gathered under a {@link GatherPolicy} with retries.
 */
final class Rounds {

  private final HostContext ctx;
  private final Outbox outbox;

  Rounds(HostContext ctx, Outbox outbox) {
    this.ctx = ctx;
    this.outbox = outbox;
  }

  /** See {@link io.fedstream.node.Node#scatter(List, GatherPolicy)}. */
  Mono<Gathered> scatter(NodeSide node, List<Message> requests, GatherPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    Set<String> expected = new LinkedHashSet<>();
    for (Message r : requests) {
      String d = r.destination().orElseThrow(() -> new IllegalArgumentException(
          "Every scatter request needs a destination; '" + r.tag() + "' has none."));
      if (!expected.add(d)) {
        throw new IllegalArgumentException("Two scatter requests go to '" + d + "'; send one per destination.");
      }
    }
    Duration deadline = policy.deadline().orElse(ctx.defaultDeadline);
    return Mono.defer(() -> {
      Instant end = Instant.now().plus(deadline);
      Flux<Message> replies = Flux.merge(requests.stream()
          .map(r -> asReply(r.destination().get(), r.tag(), node.rawRequest(r, deadline))).toList());
      Map<String, Message> byDest = new HashMap<>();
      requests.forEach(r -> byDest.put(r.destination().get(), r));
      return Gatherer.gather(expected, policy, deadline, replies,
          dest -> retry(node, byDest.get(dest), end), ctx.timer).publishOn(ctx.delivery);
    });
  }

  /** See {@link io.fedstream.node.Node#broadcast(String, Message, GatherPolicy)}. */
  Mono<Gathered> broadcast(NodeSide node, String group, Message request, GatherPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    Duration deadline = policy.deadline().orElse(ctx.defaultDeadline);
    return Mono.defer(() -> {
      Instant end = Instant.now().plus(deadline);
      Message.Builder b = request.toBuilder().to(null).sessionType(Message.SessionType.TASK).deadline(end)
          .replyTo(node.id());
      TraceInterceptor.stamp(request, b);
      Message m = node.prepare(b, Message.Kind.REQUEST, true);
      Set<String> expected = new LinkedHashSet<>(ctx.presence.members(Topics.normalise(group)));
      expected.remove(node.id());
      Flux<Message> replies = ctx.calls.collect(m.id(), deadline, toGroup(node, group, m), ctx.timer);
      return Gatherer.gather(expected, policy, deadline, replies,
          dest -> retry(node, request.toBuilder().to(dest).sessionId(m.sessionId()).build(), end), ctx.timer)
          .publishOn(ctx.delivery);
    });
  }

  /** A one-way broadcast through the node's outbound interceptors. */
  Mono<Void> toGroup(NodeSide node, String group, Message m) {
    return Mono.defer(() -> outbox.sendToGroup(group, node.intercept(ctx.layout.groupTopic(group), m)));
  }

  private Mono<Message> retry(NodeSide node, Message original, Instant end) {
    Duration left = Duration.between(Instant.now(), end);
    if (left.isNegative() || left.isZero()) {
      return Mono.just(errorReply(original.destination().get(), original.tag(), ErrorCode.TIMEOUT, "deadline passed"));
    }
    Message again = original.toBuilder().id(null).build();
    return asReply(original.destination().get(), original.tag(), node.rawRequest(again, left));
  }

  private static Mono<Message> asReply(String dest, String tag, Mono<Message> call) {
    return call.onErrorResume(NodeException.class, e -> Mono.just(errorReply(dest, tag, e.errorCode(), e.reason())));
  }

  /** A failed peer's outcome in a round, as a reply carrying the error. */
  private static Message errorReply(String dest, String tag, ErrorCode code, String reason) {
    Message.Builder b = Message.builder().tag(tag).error(code, reason);
    Wire.source(b, dest);
    Wire.kind(b, Message.Kind.REPLY);
    return b.build();
  }
}
