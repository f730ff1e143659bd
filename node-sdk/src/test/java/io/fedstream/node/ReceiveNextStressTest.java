package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.internal.TestAccess;
import io.fedstream.testkit.mock.MockKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * R8, broker-free: the old demo's way of receiving, {@code receive().next()} once per message (a
 * subscription that takes one message and cancels, handing back what its {@code publishOn}
 * prefetched), repeated 6,000 times while another node keeps sending and two threads keep the CPU
 * busy. Every message must be taken exactly once and none may be left behind.
 *
 * <p>Before the inbox tracked who holds each delivery, this failed within a few thousand messages:
 * Reactor's {@code publishOn} can discard one element twice when a new element races the
 * cancellation (its discard hook is meant to be idempotent; the inbox's hand-back was not), so the
 * delivery went back into the queue twice and the next two subscriptions each took it (the demo's
 * duplicate); and the hand-back counter, decremented twice, never returned to zero, so every later
 * {@code receive()} waited forever ({@code Timeout on blocking read}).
 */
class ReceiveNextStressTest {

  static final int MESSAGES = 6_000;

  private final MockKafka kafka = MockKafka.create();

  @AfterEach
  void close() {
    kafka.close();
  }

  @Test
  void receiveNextOverAndOverTakesEveryMessageExactlyOnce() throws Exception {
    Map<Long, Integer> taken = new ConcurrentHashMap<>();
    Map<String, Integer> ids = new ConcurrentHashMap<>();
    AtomicBoolean load = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    int left;
    try (Node a = MockNodes.start(kafka, "a"); Node b = MockNodes.start(kafka, "b")) {
      List<Future<?>> busy = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        busy.add(pool.submit(() -> {
          long x = 0;
          while (load.get()) {
            x += Long.numberOfTrailingZeros(System.nanoTime() ^ x);
          }
          return x;
        }));
      }
      Future<?> sender = pool.submit(() -> {
        for (int i = 0; i < MESSAGES; i++) {
          a.send(Message.builder().tag("n").to("b").arg("i", i).build()).block(MockNodes.WAIT);
        }
        return null;
      });
      for (int i = 0; i < MESSAGES; i++) {
        Message m;
        try {
          m = b.receive().next().block(Duration.ofSeconds(30));
        } catch (IllegalStateException timeout) {
          throw new AssertionError("b took nothing within 30 s after " + i + " messages (" + twice(ids).size()
              + " of them twice), with " + TestAccess.queued(b) + " waiting in its queue", timeout);
        }
        taken.merge((Long) m.arg("i"), 1, Integer::sum);
        ids.merge(m.id(), 1, Integer::sum);
      }
      sender.get(1, TimeUnit.MINUTES);
      left = TestAccess.queued(b);
    } finally {
      load.set(false);
      pool.shutdownNow();
    }
    assertTrue(twice(ids).isEmpty(), "messages taken twice: " + twice(ids));
    assertEquals(MESSAGES, taken.size(), "distinct messages taken");
    assertEquals(0, left, "messages left behind in b's queue");
  }

  /**
   * Subscriptions that each take a few messages and cancel, while messages keep arriving: what a
   * cancelled one held goes back before a later one is served, so the messages come in order,
   * each once. Before, a delivery handed back on a delivery thread could still be on its way to
   * the queue when the next subscriber took the one after it.
   */
  @Test
  void resubscribersTakeMessagesArrivingMeanwhileInOrder() throws Exception {
    int rounds = 200;
    int perRound = 40;
    List<Long> all = new ArrayList<>();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Node a = MockNodes.start(kafka, "a"); Node b = MockNodes.start(kafka, "b")) {
      Future<?> sender = pool.submit(() -> {
        for (int i = 0; i < rounds * perRound; i++) {
          a.send(Message.builder().tag("n").to("b").arg("i", i).build()).block(MockNodes.WAIT);
        }
        return null;
      });
      for (int round = 0; round < rounds; round++) {
        all.addAll(b.receive().take(3).map(m -> (Long) m.arg("i")).collectList().block(MockNodes.WAIT));
        all.addAll(b.receive().take(perRound - 3).map(m -> (Long) m.arg("i")).collectList().block(MockNodes.WAIT));
      }
      sender.get(1, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < rounds * perRound; i++) {
      assertEquals(i, all.get(i).intValue(), "message " + i + " of " + all.size());
    }
  }

  private static <K> Map<K, Integer> twice(Map<K, Integer> counts) {
    Map<K, Integer> out = new TreeMap<>();
    counts.forEach((k, v) -> {
      if (v > 1) {
        out.put(k, v);
      }
    });
    return out;
  }
}
