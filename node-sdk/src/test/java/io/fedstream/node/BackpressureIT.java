package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.internal.TestAccess;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@ExtendWith(FedStreamExtension.class)
class BackpressureIT {

  @Test
  void aSlowSubscriberPausesFetchingInsteadOfBuffering(Platform platform) {
    String ns = platform.newNamespace();
    int n = 3000;
    try (Node sender = Nodes.start(platform, ns, "sender");
        Node slow = Node.create(Nodes.config(platform, ns, "slow").set(NodeConfig.RECEIVE_BUFFER, 100)
            .set("consumer.max.poll.records", 100).build())) {
      slow.start().block(Nodes.WAIT);
      List<Mono<Void>> sends = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sends.add(sender.send(Message.builder().tag("m").to("slow").arg("i", i).build()));
      }
      Flux.concat(sends).blockLast(Nodes.WAIT);
      // nobody subscribes yet: the host must pause with about one buffer in memory
      long end = System.nanoTime() + Nodes.WAIT.toNanos();
      while (!TestAccess.mailboxPaused(slow) && System.nanoTime() < end) {
        Mono.delay(Duration.ofMillis(20)).block();
      }
      assertTrue(TestAccess.mailboxPaused(slow), "the mailbox partition must be paused");
      Mono.delay(Duration.ofMillis(500)).block();
      int queued = TestAccess.queued(slow);
      assertTrue(queued >= 100 && queued <= 200, "queued " + queued + " must stay near the buffer of 100, not " + n);

      // a slow subscriber: everything arrives, in order, and the queue stays bounded on the way
      int[] maxQueued = {0};
      StepVerifier.create(slow.receive().limitRate(10)
              .doOnNext(m -> maxQueued[0] = Math.max(maxQueued[0], TestAccess.queued(slow)))
              .map(m -> ((Long) m.arg("i")).intValue()).take(n).collectList())
          .assertNext(l -> {
            for (int i = 0; i < n; i++) {
              assertEquals(i, l.get(i));
            }
          })
          .expectComplete()
          .verify(Duration.ofSeconds(60));
      assertTrue(maxQueued[0] <= 200, "max queued " + maxQueued[0]);
    }
  }

  @Test
  void messagesTakenButNotConsumedByACancelledSubscriberGoToTheNextInOrder(Platform platform) {
    String ns = platform.newNamespace();
    try (Node sender = Nodes.start(platform, ns, "s"); Node r = Nodes.start(platform, ns, "r")) {
      Flux.range(0, 200).concatMap(i -> sender.send(Message.builder().tag("m").to("r").arg("i", i).build()))
          .blockLast(Nodes.WAIT);
      // the first subscriber takes 5 and cancels while more are prefetched on its way
      List<Long> first = r.receive().take(5).map(m -> (Long) m.arg("i")).collectList().block(Nodes.WAIT);
      List<Long> rest = r.receive().take(195).map(m -> (Long) m.arg("i")).collectList().block(Nodes.WAIT);
      List<Long> all = new ArrayList<>(first);
      all.addAll(rest);
      for (int i = 0; i < 200; i++) {
        assertEquals(i, all.get(i).intValue());
      }
    }
  }

  @Test
  void aResubscriberNeverOvertakesWhatACancelledSubscriberGivesBack(Platform platform) {
    String ns = platform.newNamespace();
    int rounds = 20;
    int perRound = 40;
    try (Node sender = Nodes.start(platform, ns, "s"); Node r = Nodes.start(platform, ns, "r")) {
      Flux.range(0, rounds * perRound)
          .concatMap(i -> sender.send(Message.builder().tag("m").to("r").arg("i", i).build()))
          .blockLast(Nodes.WAIT);
      // Each round a subscriber takes a few and cancels with more prefetched, and the next one
      // subscribes at once: the prefetched ones must come back to it first, in order.
      List<Long> all = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        all.addAll(r.receive().take(3).map(m -> (Long) m.arg("i")).collectList().block(Nodes.WAIT));
        all.addAll(r.receive().take(perRound - 3).map(m -> (Long) m.arg("i")).collectList().block(Nodes.WAIT));
      }
      for (int i = 0; i < rounds * perRound; i++) {
        assertEquals(i, all.get(i).intValue(), "message " + i);
      }
    }
  }
}
