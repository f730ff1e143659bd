package io.fedstream.node.internal;

import reactor.core.publisher.FluxSink;

/**
 * One subscription of an {@link Inbox}'s {@code receive()} or {@code receiveById()}: its sink and
 * the deliveries lent to it (its {@code publishOn} prefetches them) that its subscriber has not
 * taken yet. When the subscription ends, whatever it still holds goes back to the queue at once,
 * in order, before any later subscriber of the same stream is served; a delivery's holder (a
 * compare-and-set) makes sure that only one of taken, handed back (Reactor's discard hook, which
 * may fire twice for one element) and reclaimed happens to it. Guarded as the inbox says.
 */
final class Borrower {
  FluxSink<Delivery> sink;
  final java.util.Set<Delivery> lent = java.util.concurrent.ConcurrentHashMap.newKeySet();

  void lend(Delivery d) {
    lent.add(d);
    d.lendTo(this);
    sink.next(d);
  }

  boolean take(Delivery d) {
    if (d.takeBy(this)) {
      lent.remove(d);
      return true;
    }
    return false;
  }

  boolean giveBack(Delivery d) {
    if (d.returnFrom(this)) {
      lent.remove(d);
      return true;
    }
    return false;
  }

  boolean active() {
    return sink != null && !sink.isCancelled();
  }
}
