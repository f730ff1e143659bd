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
  private FluxSink<Delivery> receiver;
  private Map<String, FluxSink<Delivery>> sessions;
  private Map<String, Handlers.Served> served;
  private boolean draining;
  // Deliveries a subscription's sink has taken but not yet handed to its subscriber or given back
  // (publishOn prefetches them). A cancelled subscription gives them back asynchronously; until it
  // has, the next subscriber of the same stream waits, so that it sees them first and in order.
  private Map<FluxSink<Delivery>, java.util.concurrent.atomic.AtomicInteger> held;
  private Map<Object, java.util.concurrent.atomic.AtomicInteger> lingering;
  private boolean missed;
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
    Object stream = sessionId == null ? RECEIVE_STREAM : sessionId;
    return Flux.defer(() -> {
      java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
      Flux<Delivery> source = Flux.create(sink -> {
        synchronized (this) {
          if (closed) {
            sink.complete();
            return;
          }
          if (sessionId == null) {
            if (receiver != null && !receiver.isCancelled()) {
              sink.error(new IllegalStateException("Node '" + id + "' already has a receive() subscriber."));
              return;
            }
            receiver = sink;
          } else {
            if (sessions == null) {
              sessions = new HashMap<>(4);
            }
            FluxSink<Delivery> previous = sessions.get(sessionId);
            if (previous != null && !previous.isCancelled()) {
              sink.error(new IllegalStateException("Session '" + sessionId + "' of node '" + id
                  + "' already has a receiveById subscriber."));
              return;
            }
            sessions.put(sessionId, sink);
          }
          if (held == null) {
            held = new java.util.IdentityHashMap<>(4);
          }
          held.put(sink, taken);
        }
        sink.onRequest(n -> drain());
        sink.onDispose(() -> {
          synchronized (this) {
            if (sessionId == null) {
              if (receiver == sink) {
                receiver = null;
              }
            } else if (sessions != null) {
              sessions.remove(sessionId, sink);
            }
            if (held != null) {
              held.remove(sink);
            }
            if (taken.get() > 0) {
              if (lingering == null) {
                lingering = new HashMap<>(4);
              }
              lingering.put(stream, taken);
            }
          }
        });
        drain();
      });
      return source.publishOn(ctx.delivery, 32)
          .doOnNext(d -> taken.decrementAndGet())
          .transform(Operators.<Delivery, Message>lift((sc, actual) -> Unwrap.of(actual)))
          .doOnDiscard(Delivery.class, d -> {
            requeue(d);
            if (taken.decrementAndGet() == 0) {
              drain();
            }
          });
    });
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

  /** The key of the plain {@code receive()} stream among the session streams. */
  private static final Object RECEIVE_STREAM = new Object();

  private synchronized void drain() {
    if (draining) {
      missed = true;
      return;
    }
    draining = true;
    try {
      do {
        missed = false;
        if (queue == null || queue.isEmpty()) {
          break;
        }
        // Demand can grow on another thread during a pass; once a subscriber was skipped for lack of
        // demand, later messages for it wait for the next pass, so it never sees them out of order.
        java.util.Set<FluxSink<Delivery>> full = null;
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext();) {
          Delivery d = it.next();
          FluxSink<Delivery> s = sessions == null ? null : sessions.get(d.message.sessionId());
          if (s == null || s.isCancelled()) {
            s = receiver;
          }
          if (s == null || s.isCancelled() || (full != null && full.contains(s))) {
            continue;
          }
          Object stream = s == receiver ? RECEIVE_STREAM : d.message.sessionId();
          java.util.concurrent.atomic.AtomicInteger before = lingering == null ? null : lingering.get(stream);
          if (before != null && before.get() == 0) {
            lingering.remove(stream);
            before = null;
          }
          if (before == null && s.requestedFromDownstream() > 0) {
            it.remove();
            java.util.concurrent.atomic.AtomicInteger taken = held == null ? null : held.get(s);
            if (taken != null) {
              taken.incrementAndGet();
            }
            s.next(d);
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
    RoleChannels.closeAll(node);
    Routed routedNow = routed;
    if (routedNow != null) {
      routedNow.closeAll();
    }
    FluxSink<Delivery> r;
    Map<String, FluxSink<Delivery>> s;
    synchronized (this) {
      closed = true;
      r = receiver;
      s = sessions == null ? Map.of() : new HashMap<>(sessions);
      receiver = null;
      sessions = null;
      queue = null;
    }
    if (r != null) {
      r.complete();
    }
    s.values().forEach(FluxSink::complete);
  }

  synchronized int queued() {
    return queue == null ? 0 : queue.size();
  }
}
