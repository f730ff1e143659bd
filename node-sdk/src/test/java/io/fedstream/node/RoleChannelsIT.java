package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.router.Router;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Role channels ({@code serveChannels}/{@code requestChannel}) and acknowledged subscriptions
 * ({@code subscribe(subscription, onLive)}) on a real broker and router.
 */
@ExtendWith(FedStreamExtension.class)
class RoleChannelsIT {

  private static final Duration LONG = Duration.ofSeconds(60);

  @Test
  void callsToARoleSpreadOverItsInstancesAndCarryTheHandlersErrors(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    try (Node a = Nodes.start(platform, ns, "alice");
        Node b = Nodes.start(platform, ns, "bob");
        Node caller = Nodes.start(platform, ns, "caller")) {
      Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
      List<Disposable> serving = new ArrayList<>();
      for (Node n : List.of(a, b)) {
        serving.add(n.serveChannels("service_provider", Map.of(
            "echo", m -> {
              served.computeIfAbsent(n.id(), k -> new AtomicInteger()).incrementAndGet();
              return Mono.just(Message.builder().tag("echo").arg("comment", m.arg("comment")).arg("by", n.id()).build());
            },
            "fail", m -> Mono.error(new NodeException.CallerException("no comment")),
            "crash", m -> Mono.error(new IllegalStateException("boom")))));
      }
      Message r = caller.requestChannel("service-provider", "echo",
          Message.builder().tag("x").arg("comment", "hello").build(), LONG).block(LONG);
      assertEquals("hello", r.arg("comment"));
      // once the group has settled, calls keyed by their ids reach both instances
      long end = System.nanoTime() + LONG.toNanos();
      while (served.size() < 2) {
        assertTrue(System.nanoTime() < end, "both instances served a call; served: " + served);
        caller.requestChannel("service_provider", "echo", Message.builder().tag("x").arg("comment", "again").build(), LONG)
            .block(LONG);
      }
      Throwable caught = caller.requestChannel("service-provider", "fail", Message.builder().tag("x").build(), LONG)
          .map(x -> (Throwable) null).onErrorResume(e -> Mono.just(e)).block(LONG);
      assertInstanceOf(NodeException.CallerException.class, caught);
      caught = caller.requestChannel("service-provider", "crash", Message.builder().tag("x").build(), LONG)
          .map(x -> (Throwable) null).onErrorResume(e -> Mono.just(e)).block(LONG);
      assertInstanceOf(NodeException.HandlerException.class, caught);
      assertTrue(((NodeException) caught).reason().contains("boom"), ((NodeException) caught).reason());
      serving.forEach(Disposable::dispose);
    }
  }

  @Test
  void noEventEmittedAfterTheSubscriptionIsLiveIsLost(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    try (Router router = RouterCallsIT.startRouter(platform, ns, dir);
        Node emitter = Nodes.start(platform, ns, "emitter");
        Node sub = Nodes.start(platform, ns, "sub")) {
      for (int round = 0; round < 5; round++) {
        List<Message> got = new CopyOnWriteArrayList<>();
        CountDownLatch live = new CountDownLatch(1);
        Disposable d = sub.subscribe(EventSubscription.to("source", "tick_" + round), live::countDown)
            .subscribe(got::add);
        assertTrue(live.await(LONG.toSeconds(), TimeUnit.SECONDS), "the router acknowledged the subscription");
        // emitted at once after the acknowledgement: every one must arrive
        for (int i = 0; i < 10; i++) {
          emitter.emit("source", "tick_" + round, Message.builder().tag("t").arg("i", i).build()).block(Nodes.WAIT);
        }
        long end = System.nanoTime() + LONG.toNanos();
        while (got.size() < 10) {
          assertTrue(System.nanoTime() < end, "round " + round + ": got " + got.size() + " of 10");
          synchronized (got) {
            got.wait(100);
          }
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L),
            got.stream().map(m -> ((Number) m.arg("i")).longValue()).toList(), "round " + round);
        d.dispose();
      }
    }
  }
}
