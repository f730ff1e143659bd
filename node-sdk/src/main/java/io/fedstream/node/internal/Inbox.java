package io.fedstream.node.internal;

import io.fedstream.node.Message;
import io.fedstream.node.ServeOptions;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A node's inbound side: its demand-aware queue, the {@code receive()} and {@code receiveById()}
 * streams over it, its {@code serve} handlers, and its router subscriptions. Kept small: an idle
 * node's inbox holds its id, its groups and a few null references; the queue and the subscriber
 * tables exist only once used. The dispatcher offers deliveries here on the poll thread.
 */
final class Inbox {

  final String id;
  final String[] groups;
  final Interceptors interceptors;
  /** The node, for replies (served requests, interceptor failures). */
  final NodeSide node;
  private final HostContext ctx;
  private final Handlers handlers;

  // Inbound state, guarded by this.
  private ArrayDeque<Delivery> queue;
  private Borrower receiver;
  private Map<String, Borrower> sessions;
  private Map<String, Handlers.Served> served;
  private boolean draining;
  private boolean missed;
  // Deliveries given back while a drain pass iterates the queue; merged in order after the pass.
  private List<Delivery> givenBack;
  private boolean closed;
  private volatile Routed routed;

  Inbox(String id, String[] groups, Interceptors interceptors, NodeSide node, HostContext ctx, Handlers handlers) {
    this.id = id;
    this.groups = groups;
    this.interceptors = interceptors;
    this.node = node;
    this.ctx = ctx;
    this.handlers = handlers;
  }

  /** {@code receive()} (null session) or {@code receiveById(session)}. */
  Flux<Message> stream(String sessionId) {
    return inbound(sessionId);
  }

  private Flux<Message> inbound(String sessionId) {
    return Flux.defer(() -> {
      Borrower b = new Borrower();
      Flux<Delivery> source = Flux.create(sink -> {
        synchronized (this) {
          if (closed) {
            sink.complete();
            return;
          }
          Borrower previous = sessionId == null ? receiver : sessions == null ? null : sessions.get(sessionId);
          if (previous != null && previous.active()) {
            sink.error(new IllegalStateException(sessionId == null
                ? "Node '" + id + "' already has a receive() subscriber."
                : "Session '" + sessionId + "' of node '" + id + "' already has a receiveById subscriber."));
            return;
          }
          if (previous != null) {
            reclaim(previous); // cancelled, its end not yet run: what it holds comes first
          }
          b.sink = sink;
          if (sessionId == null) {
            receiver = b;
          } else {
            if (sessions == null) {
              sessions = new HashMap<>(4);
            }
            sessions.put(sessionId, b);
          }
        }
        sink.onRequest(n -> drain());
        sink.onDispose(() -> {
          synchronized (this) {
            if (sessionId == null) {
              if (receiver == b) {
                receiver = null;
              }
            } else if (sessions != null) {
              sessions.remove(sessionId, b);
            }
            reclaim(b);
          }
          drain();
        });
        drain();
      });
      return source.publishOn(ctx.delivery, 32)
          .filter(b::take)
          .transform(Operators.<Delivery, Message>lift((sc, actual) -> Unwrap.of(actual)))
          // a cancelled subscription's prefetched deliveries; the end of the subscription (above)
          // reclaims any that Reactor neither emits nor discards. Under the lock, so that a delivery
          // is never between its holder and the queue while a later subscriber is served.
          .doOnDiscard(Delivery.class, d -> {
            synchronized (this) {
              if (b.giveBack(d)) {
                requeue(d);
              }
            }
          });
    });
  }

  /** Puts back every delivery a finished subscription still holds. Under this. */
  private void reclaim(Borrower b) {
    for (Iterator<Delivery> it = b.lent.iterator(); it.hasNext();) {
      Delivery d = it.next();
      it.remove();
      if (d.returnFrom(b)) {
        requeue(d);
      }
    }
  }

  /** Adds a handler; runs it at once on the messages of its tag already waiting. */
  Disposable serve(String tag, Function<Message, Mono<Message>> handler, ServeOptions options) {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(options, "options");
    Handlers.Served h = new Handlers.Served(handler, options);
    List<Delivery> waiting = new java.util.ArrayList<>();
    synchronized (this) {
      if (served == null) {
        served = new HashMap<>(4);
      }
      if (served.putIfAbsent(tag, h) != null) {
        throw new IllegalStateException("Tag '" + tag + "' of node '" + id + "' already has a handler.");
      }
      if (queue != null) {
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext();) {
          Delivery d = it.next();
          if (d.message.tag().equals(tag)) {
            it.remove();
            waiting.add(d);
          }
        }
      }
    }
    waiting.forEach(d -> handlers.run(node, h, d));
    return () -> {
      synchronized (this) {
        served.remove(tag, h);
      }
    };
  }

  /** The node's router subscriptions and registrations, made on first use. */
  Routed routed() {
    Routed r = routed;
    if (r == null) {
      synchronized (this) {
        if (routed == null) {
          routed = new Routed(id);
        }
        r = routed;
      }
    }
    return r;
  }

  /** A message for this node, from the poll thread. */
  void offer(Delivery d) {
    if (Routed.isRouted(d.message)) {
      Routed r = routed;
      if (r != null) {
        r.offer(d);
      } else {
        d.processed(); // a routed event or trigger for a subscription of an earlier process
      }
      return;
    }
    Handlers.Served h;
    synchronized (this) {
      h = served == null ? null : served.get(d.message.tag());
      if (h == null) {
        if (queue == null) {
          queue = new ArrayDeque<>();
        }
        queue.add(d);
      }
    }
    if (h != null) {
      handlers.run(node, h, d);
    } else {
      drain();
    }
  }

  private synchronized void requeue(Delivery d) {
    if (closed) {
      return;
    }
    if (draining) {
      // given back from inside a drain pass (a sink cancelled under it): merged after the pass
      if (givenBack == null) {
        givenBack = new java.util.ArrayList<>(4);
      }
      givenBack.add(d);
      missed = true;
      return;
    }
    if (queue == null) {
      queue = new ArrayDeque<>();
    }
    if (queue.isEmpty() || queue.peekFirst().seq > d.seq) {
      queue.addFirst(d);
      return;
    }
    // rare: several deliveries come back from a cancelled subscriber; put this one in arrival order
    java.util.List<Delivery> all = new java.util.ArrayList<>(queue);
    int i = 0;
    while (i < all.size() && all.get(i).seq < d.seq) {
      i++;
    }
    all.add(i, d);
    queue.clear();
    queue.addAll(all);
  }

  private synchronized void drain() {
    if (draining) {
      missed = true;
      return;
    }
    draining = true;
    try {
      do {
        missed = false;
        if (givenBack != null && !givenBack.isEmpty()) {
          List<Delivery> back = givenBack;
          givenBack = null;
          draining = false;
          back.forEach(this::requeue);
          draining = true;
        }
        if (queue == null || queue.isEmpty()) {
          continue;
        }
        // Demand can grow on another thread during a pass; once a subscriber was skipped for lack of
        // demand, later messages for it wait for the next pass, so it never sees them out of order.
        java.util.Set<Borrower> full = null;
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext();) {
          Delivery d = it.next();
          Borrower s = sessions == null ? null : sessions.get(d.message.sessionId());
          if (s == null || !s.active()) {
            s = receiver;
          }
          if (s == null || !s.active() || (full != null && full.contains(s))) {
            continue;
          }
          if (s.sink.requestedFromDownstream() > 0) {
            it.remove();
            s.lend(d);
          } else {
            if (full == null) {
              full = new java.util.HashSet<>(4);
            }
            full.add(s);
          }
        }
      } while (missed);
    } finally {
      draining = false;
    }
  }

  /** Ends the inbound streams; undelivered messages stay uncommitted, so a restart gets them again. */
  void closeInbound() {
    RoleChannels.closeAll(this);
    Routed routedNow = routed;
    if (routedNow != null) {
      routedNow.closeAll();
    }
    Borrower r;
    Map<String, Borrower> s;
    synchronized (this) {
      closed = true;
      r = receiver;
      s = sessions == null ? Map.of() : new HashMap<>(sessions);
      receiver = null;
      sessions = null;
      queue = null;
    }
    if (r != null) {
      r.sink.complete();
    }
    s.values().forEach(b -> b.sink.complete());
  }

  synchronized int queued() {
    return queue == null ? 0 : queue.size();
  }
}
