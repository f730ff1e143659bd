package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

class HandlerLanesTest {

  private final Scheduler timer = Schedulers.newSingle("lanes-test-timer");
  private final HandlerLanes lanes = new HandlerLanes("test", 4, timer);

  @AfterEach
  void stop() {
    lanes.shutdown();
    timer.dispose();
  }

  @Test
  void aLaneRunsItsTasksOneAtATimeInOrder() throws Exception {
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(200);
    for (int i = 0; i < 200; i++) {
      int n = i;
      lanes.submit("a|caller", false, 0, slot -> {
        seen.add(n);
        done.countDown();
      });
    }
    assertTrue(done.await(30, TimeUnit.SECONDS));
    for (int i = 0; i < 200; i++) {
      assertEquals(i, seen.get(i));
    }
  }

  @Test
  void aBlockedLaneDoesNotHoldBackAnother() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch other = new CountDownLatch(1);
    lanes.submit("slow|c", false, 0, slot -> {
      blocked.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(blocked.await(30, TimeUnit.SECONDS));
    lanes.submit("fast|c", false, 0, slot -> other.countDown());
    // the other lane's task completes while the first still blocks: no timing, only order
    assertTrue(other.await(30, TimeUnit.SECONDS), "the other lane ran while the first was blocked");
    assertEquals(1, release.getCount(), "the first lane was still blocked");
    release.countDown();
  }

  @Test
  void repliesLeaveInRequestOrderWhenHandlersCompleteOutOfOrder() throws Exception {
    List<Integer> sent = Collections.synchronizedList(new ArrayList<>());
    List<HandlerLanes.Slot> slots = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch taken = new CountDownLatch(3);
    for (int i = 0; i < 3; i++) {
      lanes.submit("n|c", true, 0, slot -> {
        slots.add(slot);
        taken.countDown();
      });
    }
    assertTrue(taken.await(30, TimeUnit.SECONDS));
    slots.get(2).release(() -> sent.add(2));
    slots.get(1).release(() -> sent.add(1));
    assertEquals(List.of(), sent, "held back behind the first request");
    slots.get(0).release(() -> sent.add(0));
    assertEquals(List.of(0, 1, 2), sent);
    // the lane's worker drops the lane after its last task returns, just after the task's own
    // last action above: wait for that, with a bound
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (lanes.lanes() != 0 && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    assertEquals(0, lanes.lanes(), "an idle lane is dropped");
  }

  @Test
  void aReplyThatNeverComesStopsHoldingOthersBackAtItsDeadline() throws Exception {
    CountDownLatch sent = new CountDownLatch(1);
    List<HandlerLanes.Slot> slots = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch taken = new CountDownLatch(2);
    long deadline = System.currentTimeMillis() + 200;
    lanes.submit("n|c", true, deadline, slot -> {
      slots.add(slot);
      taken.countDown();
    });
    lanes.submit("n|c", true, 0, slot -> {
      slots.add(slot);
      taken.countDown();
    });
    assertTrue(taken.await(30, TimeUnit.SECONDS));
    slots.get(1).release(sent::countDown);
    assertTrue(sent.await(30, TimeUnit.SECONDS), "released once the first request's deadline passed");
  }
}
