package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@ExtendWith(FedStreamExtension.class)
class CloseIT {

  private static Set<String> threads(String marker) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.contains(marker)).collect(Collectors.toSet());
  }

  @Test
  void closeDrainsInFlightSendsAndLeavesNoThread(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    Node receiver = Nodes.start(platform, ns, "close-receiver");
    Node sender = Nodes.start(platform, ns, "close-sender");
    assertTrue(threads("close-sender").size() >= 3, "host threads: " + threads("close-sender"));
    List<Mono<Void>> inFlight = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      Mono<Void> s = sender.send(Message.builder().tag("m").to("close-receiver").arg("i", i).build()).cache();
      s.subscribe(null, e -> { });
      inFlight.add(s);
    }
    sender.close();
    // every send subscribed before close was acknowledged (drained), none was lost
    Flux.concat(inFlight).blockLast(Nodes.WAIT);
    assertEquals(500, receiver.receive().take(500).count().block(Nodes.WAIT));
    receiver.close();
    // the hosts' threads end on their own after close: wait for each, within one bound
    long end = System.nanoTime() + Nodes.WAIT.toNanos();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().contains("close-sender") || t.getName().contains("close-receiver")) {
        t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
      }
    }
    assertEquals(Set.of(), threads("close-sender"));
    assertEquals(Set.of(), threads("close-receiver"));
  }
}
