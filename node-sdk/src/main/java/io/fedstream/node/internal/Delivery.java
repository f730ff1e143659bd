package io.fedstream.node.internal;

import io.fedstream.node.Message;
import java.util.concurrent.atomic.AtomicBoolean;

/** One message on its way to one local node, with what to do once it is processed. */
final class Delivery {
  private static final java.util.concurrent.atomic.AtomicLong ARRIVALS = new java.util.concurrent.atomic.AtomicLong();

  final Message message;
  /** Arrival order, so that deliveries handed back by a cancelled subscriber go back in their place. */
  final long seq = ARRIVALS.incrementAndGet();
  private final Offsets.Token token;
  private final String seenKey;
  private final SeenIds seen;
  private final AtomicBoolean done = new AtomicBoolean();

  Delivery(Message message, Offsets.Token token, String seenKey, SeenIds seen) {
    this.message = message;
    this.token = token;
    this.seenKey = seenKey;
    this.seen = seen;
  }

  /** The node's code has taken the message: journal its id and release its position. */
  void processed() {
    if (done.compareAndSet(false, true)) {
      seen.processed(seenKey);
      token.done();
    }
  }
}
