package io.fedstream.node.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;

/**
 * Runs {@code serve} handlers off the poll loop: on a bounded pool whose threads start on demand
 * and end when idle, or (one lane per batch) on the thread that polled them, which hands the loop
 * on if the handler takes long ({@link PollThreads}). Work is queued per lane (one caller of one
 * node): a lane's tasks run one at a time in submission order, and the replies of a lane go out in the order of their
 * requests, even when handlers complete out of order. A lane whose task blocks holds one pool
 * thread and delays only its own later tasks. A reply held back behind an earlier one that never
 * comes is released once the earlier request's deadline has passed.
 */
final class HandlerLanes {

  private static final Logger LOG = LoggerFactory.getLogger(HandlerLanes.class);

  private final ThreadPoolExecutor pool;
  private final Scheduler timer;
  private final Map<String, Lane> lanes = new HashMap<>();
  /** The lanes made ready during the poll thread's current batch; unset elsewhere. */
  private final ThreadLocal<java.util.ArrayList<Lane>> batch = new ThreadLocal<>();
  private final java.util.concurrent.atomic.AtomicBoolean claimRunning = new java.util.concurrent.atomic.AtomicBoolean();

  HandlerLanes(String hostId, int threads, Scheduler timer) {
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "fedstream-" + hostId + "-handler-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.pool.allowCoreThreadTimeOut(true);
    this.timer = timer;
  }

  /** A place in a lane's reply order. */
  final class Slot {
    private final Lane lane;
    private final long seq;
    private final long deadlineMs;
    private Runnable action;
    private boolean released;

    private Slot(Lane lane, long seq, long deadlineMs) {
      this.lane = lane;
      this.seq = seq;
      this.deadlineMs = deadlineMs;
    }

    /** Runs {@code send} once every earlier slot of the lane was released (maybe at once, here). */
    void release(Runnable send) {
      HandlerLanes.this.release(this, send);
    }
  }

  private static final class Lane {
    final String key;
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>(2);
    final TreeMap<Long, Slot> slots = new TreeMap<>();
    boolean running;
    boolean emitting;
    long issued;
    long timerFor = -1;

    Lane(String key) {
      this.key = key;
    }
  }

  /**
   * Queues a task on a lane. With {@code reply}, the task gets a slot in the lane's reply order
   * (release it exactly once; {@code deadlineMs} 0 for none), otherwise {@code null}.
   */
  void submit(String laneKey, boolean reply, long deadlineMs, Consumer<Slot> task) {
    Lane lane;
    Slot slot = null;
    boolean start;
    synchronized (lanes) {
      lane = lanes.computeIfAbsent(laneKey, Lane::new);
      if (reply) {
        slot = new Slot(lane, lane.issued++, deadlineMs);
        lane.slots.put(slot.seq, slot);
      }
      Slot s = slot;
      lane.tasks.add(() -> task.accept(s));
      start = !lane.running;
      lane.running = true;
    }
    if (start) {
      java.util.ArrayList<Lane> deferred = batch.get();
      if (deferred != null) {
        deferred.add(lane);
        return;
      }
      try {
        pool.execute(() -> runTasks(lane));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        synchronized (lanes) {
          lane.running = false;
        }
        throw e;
      }
    }
  }

  /**
   * Starts a batch on the poll thread: lanes that become ready during it are started at its
   * {@link #endBatch() end}, where the poll thread may keep one to run itself.
   */
  void beginBatch() {
    batch.set(new java.util.ArrayList<>(2));
  }

  /**
   * Ends the batch: starts on the pool the lanes that became ready in it, except one (the last)
   * when no other claimed lane is running: that one is returned, for the poll thread to run
   * itself ({@link Claimed#run()}, see {@link PollThreads}) or to start on the pool ({@link
   * Claimed#start()}). Null when there is nothing to claim.
   */
  Claimed endBatch() {
    java.util.ArrayList<Lane> ready = batch.get();
    batch.remove();
    if (ready == null || ready.isEmpty()) {
      return null;
    }
    Lane kept = claimRunning.compareAndSet(false, true) ? ready.remove(ready.size() - 1) : null;
    for (Lane lane : ready) {
      start(lane);
    }
    return kept == null ? null : new Claimed(kept);
  }

  private void start(Lane lane) {
    try {
      pool.execute(() -> runTasks(lane));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the host is closing: the lane's records are not processed, so not committed
      synchronized (lanes) {
        lane.running = false;
        lane.tasks.clear();
      }
    }
  }

  /**
   * A lane kept by the poll thread at the end of a batch. At most one is out at a time, so the
   * threads running handlers are the pool's and at most one more (a former poll thread).
   */
  final class Claimed {
    private final Lane lane;

    private Claimed(Lane lane) {
      this.lane = lane;
    }

    /** Runs the lane's tasks here, on the calling thread (no longer the poll thread). */
    void run() {
      try {
        runTasks(lane);
      } finally {
        claimRunning.set(false);
      }
    }

    /** Starts the lane on the pool instead. */
    void start() {
      claimRunning.set(false);
      HandlerLanes.this.start(lane);
    }
  }

  private void runTasks(Lane lane) {
    while (true) {
      Runnable t;
      synchronized (lanes) {
        t = lane.tasks.poll();
        if (t == null) {
          lane.running = false;
          removeIfIdle(lane);
          return;
        }
      }
      try {
        t.run();
      } catch (Throwable e) {
        LOG.error("handler task of lane {} failed: {}", lane.key, e.toString(), e);
      }
    }
  }

  private void release(Slot slot, Runnable send) {
    Lane lane = slot.lane;
    synchronized (lanes) {
      if (slot.released) {
        return;
      }
      slot.released = true;
      slot.action = send;
      if (lane.emitting) {
        return;
      }
      lane.emitting = true;
    }
    emit(lane);
  }

  private void emit(Lane lane) {
    while (true) {
      Runnable a;
      synchronized (lanes) {
        Map.Entry<Long, Slot> head = lane.slots.firstEntry();
        if (head != null && !head.getValue().released && head.getValue().deadlineMs > 0
            && head.getValue().deadlineMs < System.currentTimeMillis()) {
          head.getValue().released = true; // its request's caller gave up; do not hold the others back
        }
        if (head == null || !head.getValue().released) {
          lane.emitting = false;
          if (head != null && lane.slots.size() > 1 && head.getValue().deadlineMs > 0 && lane.timerFor != head.getKey()) {
            lane.timerFor = head.getKey();
            long wait = Math.max(1, head.getValue().deadlineMs - System.currentTimeMillis() + 1);
            timer.schedule(() -> recheck(lane), wait, TimeUnit.MILLISECONDS);
          }
          removeIfIdle(lane);
          return;
        }
        lane.slots.pollFirstEntry();
        a = head.getValue().action;
      }
      if (a != null) {
        try {
          a.run();
        } catch (Throwable e) {
          LOG.error("reply of lane {} failed: {}", lane.key, e.toString(), e);
        }
      }
    }
  }

  private void recheck(Lane lane) {
    synchronized (lanes) {
      if (lane.emitting) {
        return;
      }
      lane.emitting = true;
    }
    emit(lane);
  }

  private void removeIfIdle(Lane lane) {
    if (!lane.running && !lane.emitting && lane.tasks.isEmpty() && lane.slots.isEmpty()) {
      lanes.remove(lane.key, lane);
    }
  }

  /** Lanes with work (for tests). */
  int lanes() {
    synchronized (lanes) {
      return lanes.size();
    }
  }

  /** Stops taking work; running handlers finish on their threads. */
  void shutdown() {
    pool.shutdown();
  }
}
