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
  /**
   * Who holds this delivery on its way to the node's code: null while it waits in the inbox's
   * queue, a subscription it was lent to, or {@link #TAKEN} once a subscriber took it. Every change
   * is a compare-and-set, so that of the ways a lent delivery can end (taken, handed back by a
   * cancelled subscription, reclaimed when the subscription ends) exactly one wins.
   */
  private final java.util.concurrent.atomic.AtomicReference<Object> holder =
      new java.util.concurrent.atomic.AtomicReference<>();
  private static final Object TAKEN = new Object();

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

  /** Lends this delivery, waiting in the inbox's queue, to a subscription. */
  void lendTo(Object borrower) {
    holder.set(borrower);
  }

  /** True once, for the subscription it is lent to, if nothing took it back first. */
  boolean takeBy(Object borrower) {
    return holder.compareAndSet(borrower, TAKEN);
  }

  /** True once, for the subscription it is lent to, if it was not taken: it goes back to the queue. */
  boolean returnFrom(Object borrower) {
    return holder.compareAndSet(borrower, null);
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
