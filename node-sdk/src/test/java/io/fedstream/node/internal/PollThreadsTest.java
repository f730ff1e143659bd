package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The poll loop's turns: quick handler work stays on the poll thread, slow work hands the loop on. */
class PollThreadsTest {

  @Test
  void quickInlineWorkStaysOnThePollThreadWhichIsNonBlockingOnlyWhilePolling() throws Exception {
    PollThreads threads = new PollThreads("quick");
    CompletableFuture<List<String>> seen = new CompletableFuture<>();
    threads.start(() -> {
      List<String> s = new ArrayList<>();
      String me = Thread.currentThread().getName();
      for (int i = 0; i < 1_000; i++) {
        s.add("polling nonBlocking=" + Schedulers.isInNonBlockingThread());
        long turn = threads.beginInline();
        s.add("inline nonBlocking=" + Schedulers.isInNonBlockingThread());
        if (!threads.endInline(turn)) {
          seen.completeExceptionally(new AssertionError("handed on after quick work, turn " + i));
          return;
        }
        if (!Thread.currentThread().getName().equals(me)) {
          seen.completeExceptionally(new AssertionError("renamed: " + Thread.currentThread().getName()));
          return;
        }
      }
      s.add(me);
      seen.complete(s);
      threads.ended();
    });
    List<String> s = seen.get(30, TimeUnit.SECONDS);
    assertEquals("fedstream-quick-poll", s.get(s.size() - 1));
    for (int i = 0; i < s.size() - 1; i += 2) {
      assertEquals("polling nonBlocking=true", s.get(i));
      assertEquals("inline nonBlocking=false", s.get(i + 1));
    }
  }

  @Test
  void slowInlineWorkHandsTheLoopToAnotherThreadAndTheOldOneStopsPolling() throws Exception {
    PollThreads threads = new PollThreads("slow");
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> takenOverBy = new CompletableFuture<>();
    CompletableFuture<Boolean> oldStillLeads = new CompletableFuture<>();
    CompletableFuture<String> oldRenamed = new CompletableFuture<>();
    AtomicInteger runs = new AtomicInteger();
    threads.start(() -> {
      if (runs.incrementAndGet() == 1) {
        long turn = threads.beginInline();
        try {
          release.await(30, TimeUnit.SECONDS); // a handler that blocks
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        oldStillLeads.complete(threads.endInline(turn));
        oldRenamed.complete(Thread.currentThread().getName());
        return;
      }
      takenOverBy.complete(Thread.currentThread().getName() + " nonBlocking=" + Schedulers.isInNonBlockingThread());
      threads.ended();
    });
    // the loop goes on while the first thread is still blocked in its handler
    assertEquals("fedstream-slow-poll nonBlocking=true", takenOverBy.get(30, TimeUnit.SECONDS));
    assertFalse(oldStillLeads.isDone());
    release.countDown();
    assertFalse(oldStillLeads.get(30, TimeUnit.SECONDS), "the old thread must not poll again");
    assertTrue(oldRenamed.get(30, TimeUnit.SECONDS).startsWith("fedstream-slow-handler-p"), oldRenamed.get());
    assertEquals(2, runs.get());
  }

  @Test
  void aBatchKeepsOneReadyLaneForThePollThreadAndStartsTheOthersOnThePool() throws Exception {
    Scheduler timer = Schedulers.newSingle("poll-threads-test-timer");
    HandlerLanes lanes = new HandlerLanes("batch", 4, timer);
    try {
      List<String> ran = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch pooled = new CountDownLatch(2);
      lanes.beginBatch();
      for (String caller : List.of("a", "b", "c")) {
        lanes.submit("n|" + caller, false, 0, slot -> {
          ran.add(caller + "@" + Thread.currentThread().getName());
          pooled.countDown();
        });
      }
      HandlerLanes.Claimed kept = lanes.endBatch();
      assertNotNull(kept);
      assertTrue(pooled.await(30, TimeUnit.SECONDS), "the other two lanes run on the pool: " + ran);
      assertEquals(2, ran.size(), "the kept lane waits for the poll thread: " + ran);
      ran.forEach(r -> assertTrue(r.contains("-handler-"), r));

      // while the kept lane has not finished, the next batch keeps none
      lanes.beginBatch();
      CountDownLatch d = new CountDownLatch(1);
      lanes.submit("n|d", false, 0, slot -> d.countDown());
      assertNull(lanes.endBatch());
      assertTrue(d.await(30, TimeUnit.SECONDS));

      kept.run();
      assertEquals(3, ran.size());
      assertTrue(ran.get(2).startsWith("c@" + Thread.currentThread().getName()), ran.get(2));

      // outside a batch, lanes start on the pool at once
      CountDownLatch e = new CountDownLatch(1);
      List<String> where = new ArrayList<>();
      lanes.submit("n|e", false, 0, slot -> {
        where.add(Thread.currentThread().getName());
        e.countDown();
      });
      assertTrue(e.await(30, TimeUnit.SECONDS));
      assertNotEquals(Thread.currentThread().getName(), where.get(0));
    } finally {
      lanes.shutdown();
      timer.dispose();
    }
  }
}
