package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A handler that blocks for 5 s (RoleML's sleeping service, XAIN's ClientProxy.run) must not hold
 * back the other nodes of its host. Nothing here is timed: the slow handler blocks until the test
 * releases it (at most 5 s), and everything else must happen while it is still blocked.
 */
@ExtendWith(FedStreamExtension.class)
class BlockingHandlerIT {

  @Test
  void aHandlerBlockingFiveSecondsDelaysNoOtherNodesDeliveriesHeartbeatsOrReplies(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    NodeConfig hostConfig = Nodes.config(platform, ns, "").hostId("shared")
        .set(NodeConfig.HEARTBEAT_INTERVAL_MS, 100).set(NodeConfig.LIVENESS_TIMEOUT_MS, 1000).build();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> blockedThreads = new CopyOnWriteArrayList<>();
    try (NodeHost host = NodeHost.create(hostConfig);
        Node client = Node.create(Nodes.config(platform, ns, "client")
            .set(NodeConfig.HEARTBEAT_INTERVAL_MS, 100).set(NodeConfig.LIVENESS_TIMEOUT_MS, 1000).build())) {
      Node slow = host.addNode("slow", List.of());
      Node fast = host.addNode("fast", List.of());
      slow.serve("work", req -> {
        entered.countDown();
        blockedThreads.add(Thread.currentThread());
        try {
          release.await(60, TimeUnit.SECONDS); // blocks until the test has seen the rest go on (5 s)
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        returned.set(true);
        return Mono.just(Message.builder().tag("worked").build());
      });
      fast.serve("ping", req -> Mono.just(Message.builder().tag("pong").build()));
      host.start().block(Nodes.WAIT);
      client.start().block(Nodes.WAIT);

      Mono<Message> slowReply = client.request(Message.builder().tag("work").to("slow").build(), Nodes.WAIT).cache();
      Disposable pending = slowReply.subscribe(m -> { }, e -> { });
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the slow handler started");
      long blockedSince = System.nanoTime();
      List<PresenceEvent> left = new CopyOnWriteArrayList<>();
      Disposable watch = client.presence().filter(e -> e.type() == PresenceEvent.Type.LEFT).subscribe(left::add);

      // replies of another node of the host
      for (int i = 0; i < 5; i++) {
        Message pong = client.request(Message.builder().tag("ping").to("fast").build(), Nodes.WAIT).block();
        assertEquals("pong", pong.tag());
      }
      // deliveries to another node of the host
      client.send(Message.builder().tag("note").to("fast").arg("i", 1).build()).block(Nodes.WAIT);
      Message note = fast.receive().next().block(Nodes.WAIT);
      assertEquals(1L, note.arg("i"));
      // the handler blocks 5 s in all, five liveness timeouts: the scenario's length, not a wait for a condition
      long rest = Duration.ofSeconds(5).toNanos() - (System.nanoTime() - blockedSince);
      if (rest > 0) {
        Thread.sleep(rest / 1_000_000);
      }
      // heartbeats: both hosted nodes stayed alive for the client, and the host still reads the client's
      client.send(Message.builder().tag("note").to("fast").arg("i", 2).build()).block(Nodes.WAIT);
      assertEquals(2L, fast.receive().next().block(Nodes.WAIT).arg("i"));
      assertTrue(client.memberInfo("slow").isPresent() && client.memberInfo("fast").isPresent());
      assertTrue(fast.memberInfo("client").isPresent(), "the host's poll thread still reads heartbeats");

      assertTrue(!returned.get(), "all of the above happened while the slow handler was blocked");
      // it may have started on the poll thread, which then handed polling on: it blocks a handler thread now
      String blockedOn = blockedThreads.get(0).getName();
      assertTrue(blockedOn.contains("-handler-"), "blocks a handler thread: " + blockedOn);
      release.countDown();
      assertEquals("worked", slowReply.block(Nodes.WAIT).tag());
      assertEquals(List.of(), left, "no hosted node left while the handler blocked");
      watch.dispose();
      pending.dispose();
    }
  }

  @Test
  void aPollThreadHandlerRunsOnThePollThreadAndRepliesToOneCallerStayInOrder(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    try (Node server = Nodes.start(platform, ns, "server"); Node client = Nodes.start(platform, ns, "client")) {
      server.serve("where", req -> Mono.just(Message.builder().tag("here")
          .arg("thread", Thread.currentThread().getName()).build()), ServeOptions.pollThread());
      // on the workers, a slow first reply must still go out before a fast second one
      server.serve("order", req -> {
        long i = (Long) req.arg("i");
        Mono<Message> r = Mono.just(Message.builder().tag("r").arg("i", i).build());
        return i == 0 ? r.delayElement(Duration.ofMillis(300)) : r;
      });
      String thread = (String) client.request(Message.builder().tag("where").to("server").build()).block(Nodes.WAIT)
          .arg("thread");
      assertTrue(thread.endsWith("-poll"), thread);
      java.util.concurrent.CompletableFuture<List<Long>> order = client.receive().take(2)
          .map(m -> (Long) m.arg("i")).collectList().toFuture();
      Tracked a = client.isend(Message.builder().tag("order").to("server").arg("i", 0)
          .sessionType(Message.SessionType.TASK).build());
      Tracked b = client.isend(Message.builder().tag("order").to("server").arg("i", 1)
          .sessionType(Message.SessionType.TASK).build());
      Mono.when(a.acked(), b.acked()).block(Nodes.WAIT);
      assertEquals(List.of(0L, 1L), order.get(30, TimeUnit.SECONDS));
    }
  }
}
