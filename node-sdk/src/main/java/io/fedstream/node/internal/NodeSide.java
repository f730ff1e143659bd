package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * What the parts of a host ask of the node they work for ({@link LocalNode} implements it): its
 * id, the last build step of an outgoing message, the outbound interceptors, calls and replies.
 * The parts hold this, never the node class itself.
 */
interface NodeSide {

  /** The node id. */
  String id();

  /** Fills in the wire-only fields (source, kind, creation time, call marker) and builds. */
  Message prepare(Message.Builder b, Message.Kind kind, boolean call);

  /** Runs the node's outbound interceptors; throws a coded {@code NodeException} on failure. */
  Message intercept(String topic, Message m);

  /** A request whose reply is emitted even when it carries an error. */
  Mono<Message> rawRequest(Message message, Duration deadline);

  /** A reply to a request; {@code hop} as in {@link Outbox#send(String, String, Message, boolean)}. */
  Mono<Void> reply(Message request, Message reply, boolean hop);

  /** A coded error reply to a request. */
  Mono<Void> replyError(Message request, ErrorCode code, String reason, boolean hop);
}
