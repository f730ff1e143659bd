package io.fedstream.proxy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Everything that reaches the proxy's node through {@code receive()}, sorted: messages a
 * registration of its register table will gather (held for the trigger), replies to the sessions
 * it opened without waiting (for {@code receiveById}), and the rest (for {@code receive()}).
 */
final class Inbox {

  static final Logger LOG = LoggerFactory.getLogger("io.fedstream.proxy");
  private static final Message END = new Message("end", null, null, null);

  private final Proxy proxy;
  private final Sessions sessions;
  private final LinkedBlockingDeque<Message> received = new LinkedBlockingDeque<>();
  /** Sessions opened with isend/iscatter/ibroadcast: the replies they expect. */
  private final Map<String, Integer> opened = new ConcurrentHashMap<>();
  /** Replies to opened sessions, in arrival order, by message id; guarded by this. */
  private final LinkedHashMap<String, Message> replies = new LinkedHashMap<>();
  /** Messages a registration will gather, in arrival order, by message id; guarded by this. */
  private final LinkedHashMap<String, Message> held = new LinkedHashMap<>();
  final List<RegisterTable<?>> tables = new CopyOnWriteArrayList<>();
  private volatile Disposable subscription;
  private volatile boolean closed;

  Inbox(Proxy proxy, Sessions sessions) {
    this.proxy = proxy;
    this.sessions = sessions;
  }

  void start() {
    subscription = proxy.node().receive().subscribe(this::onMessage,
        e -> LOG.error("proxy {}: receive failed: {}", proxy.name(), e.toString()), this::end);
  }

  void opened(String sessionId, int expectedReplies) {
    opened.put(sessionId, expectedReplies);
  }

  private void onMessage(io.fedstream.node.Message n) {
    Message m = Convert.fromNode(n);
    Instant now = Instant.now();
    boolean reply = Convert.isReply(n);
    if (reply) {
      Convert.workingSince(n).ifPresent(t -> sessions.stage(m.sessionId(), SessionType.TASK, SessionStage.WORKING, t,
          m.source()));
      sessions.stage(m.sessionId(), m.sessionType(), SessionStage.RESULT, now, m.source());
    } else if (m.sessionType() == SessionType.TASK) {
      sessions.stage(m.sessionId(), SessionType.TASK, SessionStage.REQUEST, now, m.source());
    } else {
      sessions.stage(m.sessionId(), SessionType.NOTIFICATION, SessionStage.RECEIVED, now, proxy.name());
    }
    for (RegisterTable<?> t : tables) {
      if (t.gathers(m)) {
        synchronized (this) {
          held.put(m.messageId(), m);
          notifyAll();
        }
        return;
      }
    }
    if (reply && opened.containsKey(m.sessionId())) {
      synchronized (this) {
        replies.put(m.messageId(), m);
        notifyAll();
      }
      return;
    }
    received.add(m);
  }

  /** The held copy of a gathered message, waiting up to {@code wait} for it; null if none. */
  synchronized Message takeHeld(String messageId, Duration wait) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (!held.containsKey(messageId)) {
      long left = end - System.nanoTime();
      if (left <= 0 || closed) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return held.remove(messageId);
  }

  /** Held messages no registration gathers any more: those matching {@code drop} go, the others to receive(). */
  void release(Predicate<Message> drop) {
    List<Message> back = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Message> it = held.values().iterator(); it.hasNext();) {
        Message m = it.next();
        if (tables.stream().noneMatch(t -> t.gathers(m))) {
          it.remove();
          if (!drop.test(m)) {
            back.add(m);
          }
        }
      }
    }
    back.forEach(received::add);
  }

  /**
   * Waits until each session has its expected replies (1 for a session this proxy did not open)
   * or the deadline passes; takes and returns the replies that came, in arrival order.
   */
  synchronized List<Message> awaitReplies(List<String> sessionIds, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!complete(sessionIds)) {
      long left = end - System.nanoTime();
      if (left <= 0 || closed) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    List<Message> out = new ArrayList<>();
    for (Iterator<Message> it = replies.values().iterator(); it.hasNext();) {
      Message m = it.next();
      if (sessionIds.contains(m.sessionId())) {
        out.add(m);
        it.remove();
      }
    }
    sessionIds.forEach(opened::remove);
    return out;
  }

  private boolean complete(List<String> sessionIds) {
    for (String s : sessionIds) {
      int want = Math.max(1, opened.getOrDefault(s, 1));
      long have = replies.values().stream().filter(m -> m.sessionId().equals(s)).count();
      if (have < want) {
        return false;
      }
    }
    return true;
  }

  /** Blocking iteration over what reaches receive(); ends when the proxy closes. */
  Iterable<Message> iterable() {
    return () -> new Iterator<>() {
      Message next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          try {
            next = received.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
          if (next == END) {
            received.addFirst(END);
          }
        }
        return next != END;
      }

      @Override
      public Message next() {
        if (!hasNext()) {
          throw new NoSuchElementException("the proxy is closed");
        }
        Message m = next;
        next = null;
        proxy.handedOver(m);
        return m;
      }
    };
  }

  /** What reaches receive() as a Flux, emitted on a bounded-elastic thread; completes when the proxy closes. */
  Flux<Message> flux() {
    return Flux.<Message>create(sink -> {
      java.util.concurrent.Semaphore demand = new java.util.concurrent.Semaphore(0);
      java.util.concurrent.atomic.AtomicBoolean unbounded = new java.util.concurrent.atomic.AtomicBoolean();
      sink.onRequest(n -> {
        if (n == Long.MAX_VALUE) {
          unbounded.set(true);
        }
        demand.release((int) Math.min(n, 1 << 20));
      });
      Disposable worker = Schedulers.boundedElastic().schedule(() -> {
        try {
          while (!sink.isCancelled()) {
            if (!unbounded.get() && !demand.tryAcquire(100, TimeUnit.MILLISECONDS)) {
              continue; // no demand yet; re-check cancellation
            }
            Message m = received.poll(100, TimeUnit.MILLISECONDS);
            if (m == null) {
              if (!unbounded.get()) {
                demand.release();
              }
              continue;
            }
            if (m == END) {
              received.addFirst(END);
              sink.complete();
              return;
            }
            if (sink.isCancelled()) {
              received.addFirst(m);
              return;
            }
            proxy.handedOver(m);
            sink.next(m);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      sink.onDispose(worker);
    });
  }

  private void end() {
    closed = true;
    received.add(END);
    synchronized (this) {
      notifyAll();
    }
  }

  void close() {
    Disposable s = subscription;
    if (s != null) {
      s.dispose();
    }
    end();
  }
}
