package io.fedstream.node;

import reactor.core.publisher.Mono;

/**
 * A message sent with {@link Node#isend(Message)}: the send is already under way; the ids are
 * known at once, and {@link #acked()} completes when the broker has acknowledged it. Replies to
 * it (if it was a task) arrive through {@link Node#receiveById(String)} with {@link #sessionId()}.
 */
public interface Tracked {

  /** The message id. */
  String messageId();

  /** The session id, for {@link Node#receiveById(String)}. */
  String sessionId();

  /** Completes when the broker acknowledged the message; fails with a {@link NodeException}. Cached. */
  Mono<Void> acked();
}
