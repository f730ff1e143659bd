package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

@ExtendWith(FedStreamExtension.class)
class NodeHostIT {

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static NodeConfig hostConfig(Platform platform, String ns, String hostId) {
    return Nodes.config(platform, ns, "").hostId(hostId)
        .set(NodeConfig.HEARTBEAT_INTERVAL_MS, 5000).set(NodeConfig.LIVENESS_TIMEOUT_MS, 60000).build();
  }

  @Test
  void oneHostServesManyVirtualNodesOverOneConsumer(Platform platform) {
    String ns = platform.newNamespace();
    int n = 5000;
    long before = usedHeapAfterGc();
    try (NodeHost host = NodeHost.create(hostConfig(platform, ns, "farm"));
        Node driver = Nodes.start(platform, ns, "driver")) {
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        nodes.add(host.addNode("v" + i, List.of("farm")));
      }
      host.start().block(Duration.ofSeconds(120));
      driver.awaitMembers("farm", n, Duration.ofSeconds(60)).block();
      long after = usedHeapAfterGc();
      long perNode = (after - before) / n;
      System.out.printf("%d idle virtual nodes in one host: heap grew by %d KiB, %d bytes per node"
          + " (host and driver included)%n", n, (after - before) >> 10, perNode);
      assertTrue(perNode <= 16 * 1024, perNode + " bytes per idle node");
      long hostThreads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("farm")).count();
      assertTrue(hostThreads <= 10, "threads do not grow with nodes: " + hostThreads);

      // point-to-point to a sample: each virtual node gets exactly its own messages
      Set<String> got = ConcurrentHashMap.newKeySet();
      List<reactor.core.Disposable> subs = new ArrayList<>();
      for (int i = 0; i < n; i += 250) {
        Node v = nodes.get(i);
        subs.add(v.receive().subscribe(m -> got.add(v.id() + "<-" + m.arg("for"))));
      }
      Flux.range(0, n / 250).concatMap(k -> driver.send(Message.builder().tag("t").to("v" + (k * 250))
          .arg("for", "v" + (k * 250)).build())).blockLast(Nodes.WAIT);
      long end = System.nanoTime() + Nodes.WAIT.toNanos();
      while (got.size() < n / 250 && System.nanoTime() < end) {
        reactor.core.publisher.Mono.delay(Duration.ofMillis(20)).block();
      }
      for (String s : got) {
        String[] p = s.split("<-");
        assertEquals(p[0], p[1], "dispatched by key to the right node");
      }
      assertEquals(n / 250, got.size());
      subs.forEach(reactor.core.Disposable::dispose);
    }
  }

  @Test
  void nodesAddedAfterStartAreServedAndHostedNodesTalkToEachOther(Platform platform) {
    String ns = platform.newNamespace();
    try (NodeHost host = NodeHost.create(hostConfig(platform, ns, "h"))) {
      Node first = host.addNode("first", List.of());
      host.start().block(Nodes.WAIT);
      Node late = host.addNode("late", List.of("g"));
      late.start().block(Nodes.WAIT);
      assertEquals(2, host.size());
      late.serve("hi", m -> reactor.core.publisher.Mono.just(Message.builder().tag("hello").arg("to", m.source()).build()));
      Message r = first.request(Message.builder().tag("hi").to("late").build(), Nodes.WAIT).block(Nodes.WAIT);
      assertEquals("first", r.arg("to"));
      late.close();
      assertEquals(1, host.size());
    }
  }
}
