package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.mock.MockKafka;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Node#presence()}: the members now, then every change, none lost between the two. */
class PresenceSubscriptionTest {

  private final MockKafka kafka = MockKafka.create();

  @AfterEach
  void close() {
    kafka.close();
  }

  private static void await(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "not within 30 s: " + what);
      LockSupport.parkNanos(2_000_000);
    }
  }

  @Test
  void aJoinWhileTheSnapshotIsDeliveredIsNotMissed() {
    try (Node a = MockNodes.start(kafka, "a")) {
      await(() -> a.memberInfo("a").isPresent(), "a sees itself");
      AtomicReference<Node> late = new AtomicReference<>();
      List<PresenceEvent> seen = new CopyOnWriteArrayList<>();
      try {
        // While the first member of the snapshot is delivered, c joins and a's table takes it:
        // a subscription that only starts listening after the snapshot would miss the join.
        PresenceEvent joined = a.presence()
            .doOnNext(e -> {
              seen.add(e);
              if (late.get() == null) {
                late.set(MockNodes.start(kafka, "c"));
                await(() -> a.memberInfo("c").isPresent(), "c alive in a's table");
              }
            })
            .filter(e -> e.nodeId().equals("c") && e.type() == PresenceEvent.Type.JOINED)
            .next()
            .block(Duration.ofSeconds(10));
        assertEquals("c", joined == null ? null : joined.nodeId());
        assertEquals("a", seen.get(0).nodeId(), "the snapshot comes first");
        assertEquals(PresenceEvent.Type.JOINED, seen.get(0).type());
        assertEquals(1, seen.stream().filter(e -> e.nodeId().equals("c")).count(), "c's join once: " + seen);
      } finally {
        if (late.get() != null) {
          late.get().close();
        }
      }
    }
  }

  @Test
  void aMemberInTheSnapshotIsNotRepeatedAndLaterChangesFollow() {
    try (Node a = MockNodes.start(kafka, "a"); Node b = MockNodes.start(kafka, "b")) {
      await(() -> a.memberInfo("b").isPresent(), "a sees b");
      List<PresenceEvent> seen = new CopyOnWriteArrayList<>();
      reactor.core.Disposable sub = a.presence().subscribe(seen::add);
      try {
        assertEquals(2, seen.size(), "a and b, as JOINED: " + seen);
        b.close();
        await(() -> seen.stream().anyMatch(e -> e.nodeId().equals("b") && e.type() == PresenceEvent.Type.LEFT),
            "b's leave seen");
        assertEquals(1, seen.stream().filter(e -> e.nodeId().equals("b")
            && e.type() == PresenceEvent.Type.JOINED).count(), "b joined once: " + seen);
      } finally {
        sub.dispose();
      }
    }
  }
}
