package io.fedstream.node.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import reactor.core.scheduler.Schedulers;

/**
 * The threads that take turns running a host's poll loop. The thread polling now (the leader)
 * runs a lane of handlers that a batch made ready itself, at once, with no thread hand-off: the
 * reply of a quick handler goes out before the next poll. A watcher thread hands polling on when
 * such a handler has not returned within {@link #INLINE_LIMIT_NANOS}: it becomes the leader, and
 * the old one finishes its handler as a handler thread and ends. So a handler that blocks delays
 * other deliveries by at most about that limit.
 *
 * <p>The watcher checks the leader once per limit while handlers run inline, and sleeps after a
 * second without any. A thread counts as non-blocking for Reactor only while it polls, so
 * {@code block()} fails at once in code the poll loop runs (a reply's operators) and works in a
 * handler.
 */
final class PollThreads {

  /** How long a handler may run on the leader before polling is handed on: 1 ms. */
  static final long INLINE_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long WATCH_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

  static {
    Schedulers.registerNonBlockingThreadPredicate(t -> t instanceof HostThread && ((HostThread) t).polling);
  }

  /** A thread of a host that polls or runs handlers, named for what it does now. */
  static final class HostThread extends Thread {
    private volatile boolean polling;
    private final int number;

    HostThread(Runnable r, String name, int number) {
      super(r, name);
      this.number = number;
      setDaemon(true);
    }
  }

  private final String pollName;
  private final String handlerPrefix;
  private final AtomicInteger numbers = new AtomicInteger();
  private final CountDownLatch ended = new CountDownLatch(1);
  /** The turn of the handler work the leader runs now, 0 when it polls. */
  private final AtomicLong inline = new AtomicLong();
  private volatile long inlineSince;
  private volatile long lastInline;
  private volatile boolean watcherAsleep;
  private volatile boolean closed;
  /** Leader-owned. */
  private long turns;
  private volatile HostThread watcher;
  private volatile HostThread leader;
  private Runnable loop;

  PollThreads(String hostId) {
    this.pollName = "fedstream-" + hostId + "-poll";
    this.handlerPrefix = "fedstream-" + hostId + "-handler-p";
  }

  /** Starts {@code loop} on a new leader thread; the loop returns when its thread stops leading. */
  void start(Runnable loop) {
    this.loop = loop;
    newThread(this::lead).start();
  }

  private HostThread newThread(Runnable r) {
    int k = numbers.incrementAndGet();
    return new HostThread(r, handlerPrefix + k, k);
  }

  private void lead() {
    HostThread me = (HostThread) Thread.currentThread();
    me.setName(pollName);
    me.polling = true;
    leader = me;
    try {
      loop.run();
    } finally {
      me.polling = false;
    }
  }

  /**
   * The leader is about to run handler work itself. Returns the turn to pass to {@link
   * #endInline(long)}.
   */
  long beginInline() {
    if (watcher == null) {
      watcher = newThread(this::watch);
      watcher.start();
    }
    long turn = ++turns;
    long now = System.nanoTime();
    inlineSince = now;
    lastInline = now;
    Thread me = Thread.currentThread();
    if (me instanceof HostThread) {
      ((HostThread) me).polling = false;
    }
    inline.set(turn);
    if (watcherAsleep) {
      LockSupport.unpark(watcher);
    }
    return turn;
  }

  /**
   * The leader's handler work is done. True: it still leads and polls on. False: polling was
   * handed on meanwhile; the caller must return from the loop without touching the consumer.
   */
  boolean endInline(long turn) {
    Thread me = Thread.currentThread();
    if (inline.compareAndSet(turn, 0)) {
      if (me instanceof HostThread) {
        ((HostThread) me).polling = true;
      }
      return true;
    }
    return false; // the watcher took the loop over and renamed this thread a handler thread
  }

  private void watch() {
    while (!closed) {
      long turn = inline.get();
      long now = System.nanoTime();
      if (turn != 0) {
        long due = inlineSince + INLINE_LIMIT_NANOS - now;
        if (due > 0) {
          LockSupport.parkNanos(due);
        } else if (inline.compareAndSet(turn, 0)) {
          HostThread old = leader;
          if (old != null) {
            old.setName(handlerPrefix + old.number); // it finishes its handler and ends
          }
          watcher = null; // the next leader starts a new watcher when it needs one
          lead();
          return;
        }
      } else if (now - lastInline > WATCH_IDLE_NANOS) {
        watcherAsleep = true;
        if (inline.get() == 0 && !closed) {
          LockSupport.park(this);
        }
        watcherAsleep = false;
      } else {
        LockSupport.parkNanos(INLINE_LIMIT_NANOS);
      }
    }
  }

  /** The loop has ended for good: the watcher stops. */
  void ended() {
    closed = true;
    HostThread w = watcher;
    if (w != null) {
      LockSupport.unpark(w);
    }
    ended.countDown();
  }

  /** Waits at most {@code millis} for the loop to end. */
  void awaitEnd(long millis) {
    try {
      ended.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
