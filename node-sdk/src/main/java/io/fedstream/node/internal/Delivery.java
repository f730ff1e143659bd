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
  private final Delivery parent;
  private final java.util.concurrent.atomic.AtomicInteger remaining;

  Delivery(Message message, Offsets.Token token, String seenKey, SeenIds seen) {
    this.message = message;
    this.token = token;
    this.seenKey = seenKey;
    this.seen = seen;
    this.parent = null;
    this.remaining = null;
  }

  private Delivery(Delivery parent, java.util.concurrent.atomic.AtomicInteger remaining) {
    this.message = parent.message;
    this.token = null;
    this.seenKey = null;
    this.seen = null;
    this.parent = parent;
    this.remaining = remaining;
  }

  /** Deliveries of this message to n consumers; this one is processed once all of them are. */
  Delivery[] split(int n) {
    if (n == 1) {
      return new Delivery[] {this};
    }
    java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(n);
    Delivery[] out = new Delivery[n];
    for (int i = 0; i < n; i++) {
      out[i] = new Delivery(this, left);
    }
    return out;
  }

  /** The node's code has taken the message: journal its id and release its position. */
  void processed() {
    if (done.compareAndSet(false, true)) {
      if (parent != null) {
        if (remaining.decrementAndGet() == 0) {
          parent.processed();
        }
        return;
      }
      seen.processed(seenKey);
      token.done();
    }
  }
}
