package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * R6 of the fault suite: a short soak. One node sends 1,000 messages a second to another for
 * {@link #SECONDS} s; every one arrives exactly once, and the heap after a full collection is no
 * larger at the end than after the warm-up, give or take {@link #SLACK_MB} MiB.
 */
@ExtendWith(FedStreamExtension.class)
class SoakIT {

  static final int RATE = 1_000;
  static final int SECONDS = 20;
  static final int WARM_UP_SECONDS = 5;
  static final long SLACK_MB = 24;

  @Test
  void aThousandMessagesASecondLoseNothingAndTheHeapStaysFlat(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    Set<String> sent = ConcurrentHashMap.newKeySet();
    Set<String> received = ConcurrentHashMap.newKeySet();
    AtomicInteger twice = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long warmHeap = 0;
    long endHeap;
    try (Node sender = Nodes.start(platform, ns, "soak-sender"); Node receiver = Nodes.start(platform, ns, "soak-receiver")) {
      Disposable sub = receiver.receive().subscribe(m -> {
        if (!received.add(m.id())) {
          twice.incrementAndGet();
        }
      });
      long start = System.nanoTime();
      int perTick = RATE / 100;
      for (int tick = 0; tick < SECONDS * 100; tick++) {
        // pace: 10 messages every 10 ms, sent without waiting for each acknowledgement
        long due = start + tick * 10_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the pacing of a fixed-rate load
        }
        List<Mono<Void>> batch = new ArrayList<>(perTick);
        for (int i = 0; i < perTick; i++) {
          Message m = Message.builder().tag("soak").to("soak-receiver").arg("i", tick * perTick + i).build();
          sent.add(m.id());
          batch.add(sender.send(m).doOnError(e -> failed.incrementAndGet()).onErrorResume(e -> Mono.empty()));
        }
        Mono.when(batch).subscribe();
        if (tick == WARM_UP_SECONDS * 100) {
          warmHeap = heapAfterGc();
        }
      }
      long end = System.nanoTime() + Nodes.WAIT.toNanos();
      while (received.size() < sent.size() && System.nanoTime() < end) {
        Thread.sleep(50); // bounded wait for the last messages
      }
      endHeap = heapAfterGc();
      sub.dispose();
    }
    Set<String> lost = new java.util.HashSet<>(sent);
    lost.removeAll(received);
    System.out.printf("soak: %d sent, %d received, %d lost, %d twice, %d send failures; heap after GC %d MiB"
        + " after warm-up, %d MiB at the end%n", sent.size(), received.size(), lost.size(), twice.get(), failed.get(),
        warmHeap >> 20, endHeap >> 20);
    assertEquals(RATE * SECONDS, sent.size());
    assertEquals(0, failed.get(), "sends that failed");
    assertEquals(0, lost.size(), "messages lost");
    assertEquals(0, twice.get(), "messages received twice");
    assertTrue(endHeap - warmHeap < SLACK_MB << 20, "the heap grew from " + (warmHeap >> 20) + " MiB to "
        + (endHeap >> 20) + " MiB");
  }

  private static long heapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
