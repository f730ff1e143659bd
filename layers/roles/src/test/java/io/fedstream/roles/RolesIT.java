package io.fedstream.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import io.fedstream.node.NodeSpec;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The seed's rules on a real broker and router, beyond what the tutorial example shows. */
@ExtendWith(FedStreamExtension.class)
class RolesIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  static Router startRouter(Platform platform, String ns, Path dir) throws InterruptedException {
    Router router = Router.start(RouterConfig.of(
        RouterConfig.singleBroker(platform.bootstrapServers(), platform.registryUrl(), ns, dir)));
    assertTrue(router.awaitRunning(Duration.ofSeconds(90)), "router RUNNING");
    return router;
  }

  static NodeConfig config(Platform platform, String ns) {
    return NodeConfig.builder().bootstrapServers(platform.bootstrapServers()).registryUrl(platform.registryUrl())
        .namespace(ns).set(NodeConfig.HEARTBEAT_INTERVAL_MS, 200).set(NodeConfig.LIVENESS_TIMEOUT_MS, 3000).build();
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
      synchronized (done) {
        done.wait(50);
      }
    }
  }

  /** A provider counting its heavy jobs; a task as long as it is told. */
  public static class Provider extends Role {
    final AtomicInteger heavy = new AtomicInteger();

    @Task
    Object heavy_job(RoleInstanceId caller, Args args, Payloads payloads) throws InterruptedException {
      if (args.has("count")) {
        heavy.incrementAndGet();
      }
      Object ms = args.get("ms");
      Thread.sleep(ms == null ? 0 : ((Number) ms).longValue()); // the behaviour under test: a task that takes this long
      return caller.toString();
    }
  }

  /** A role whose run() records its status and whether it was interrupted. */
  public static class Runner extends Role implements Runnable {
    final AtomicReference<RoleStatus> statusInRun = new AtomicReference<>();
    final AtomicBoolean interrupted = new AtomicBoolean();

    @Override
    public void run() {
      statusInRun.set(status());
      try {
        Thread.sleep(WAIT.toMillis()); // the behaviour under test: a run() that blocks until interrupted
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
    }
  }

  /** Emits on demand. */
  public static class Source extends Role {
    final Event tick = new Event();
  }

  /** Plays a caller. */
  public static class Caller extends Role {
  }

  /** Follows the relationship 'source'. */
  public static class Follower extends Role {
    final List<String> got = new CopyOnWriteArrayList<>();

    @EventHandler(relationship = "source", channel = "tick")
    void onTick(RoleInstanceId source, Args args, Payloads payloads) {
      got.add(source.node() + ":" + args.get("i"));
    }
  }

  @Test
  void namesTasksProgressAndLifecycle(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    NodeConfig base = config(platform, ns);
    try (Node p = Node.create(base, NodeSpec.builder("p").roles("provider").build());
        Node c = Node.create(base, NodeSpec.builder("c").roles("caller")
            .relationship("prov", "p/provider").relationship("ghost", "nowhere/ghost").build())) {
      p.start().block(WAIT);
      c.start().block(WAIT);
      RoleNode.Settings fast = new RoleNode.Settings(Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(1),
          Duration.ofMinutes(5), 8);
      RoleNode providerNode = RoleNode.on(p, fast);
      Provider provider = providerNode.deploy("provider", new Provider());
      RoleNode callerNode = RoleNode.on(c, fast);
      Caller caller = callerNode.deploy("caller", new Caller());
      // a call by relationship waits in the channel topic until the role's consumer group has its
      // partitions, silently: wait (bounded) until one goes through, before timing silences
      long end = System.nanoTime() + WAIT.toNanos();
      while (true) {
        try {
          caller.callTask("prov", "heavy_job", Args.empty()).result(WAIT);
          break;
        } catch (NodeException.DeadlineExceededException e) {
          assertTrue(System.nanoTime() < end, "the provider's consumer group never took a call");
        }
      }
      // heavy_job, heavy-job and heavyJob are one channel, by relationship and by instance
      for (String name : List.of("heavy_job", "heavy-job", "heavyJob")) {
        assertEquals("c/caller", caller.callTask("prov", name, Args.of("count", true)).result(WAIT));
      }
      assertEquals("c/caller", caller.callTask(RoleInstanceId.of("p/provider"), "heavy_job", Args.of("count", true))
          .result(WAIT));
      assertEquals(4, provider.heavy.get());
      // a task three times longer than the silence succeeds: the callee reports progress
      assertEquals("c/caller", caller.callTask("prov", "heavy_job", Args.of("ms", 3_000)).result(WAIT));
      // a task nobody serves reports nothing, and fails after the silence
      RuntimeException silent = assertThrows(RuntimeException.class,
          () -> caller.callTask("ghost", "heavy_job", Args.empty()).result(WAIT));
      assertInstanceOf(NodeException.DeadlineExceededException.class, silent);
      // an empty relationship without a local role of its name
      assertThrows(NodeException.NotFoundException.class, () -> caller.call("nobody", "echo", Args.empty()));
      // lifecycle: run() starts once READY, and close interrupts it
      Runner runner = callerNode.deploy("runner", new Runner());
      await("run() to start", () -> runner.statusInRun.get() != null);
      assertEquals(RoleStatus.READY, runner.statusInRun.get());
      callerNode.close();
      assertTrue(runner.interrupted.get(), "close interrupts run()");
      assertEquals(RoleStatus.TERMINATED, runner.status());
      providerNode.close();
    }
  }

  @Test
  void manualSubscriptionsAndARelationshipChangedWhileEventsFlow(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    NodeConfig base = config(platform, ns);
    try (Router router = startRouter(platform, ns, dir);
        RoleNode w = RoleNode.create(base, NodeSpec.builder("w").roles("follower", "caller").build());
        RoleNode s1 = RoleNode.create(base, NodeSpec.builder("s1").roles("source").build());
        RoleNode s2 = RoleNode.create(base, NodeSpec.builder("s2").roles("source").build())) {
      Source one = s1.deploy("source", new Source());
      Source two = s2.deploy("source", new Source());
      Caller listener = w.deploy("caller", new Caller());
      // manual: ONCE takes one event; FOREVER with RoleML's contains (a list holding the literal)
      List<Object> once = new CopyOnWriteArrayList<>();
      List<Object> tagged = new CopyOnWriteArrayList<>();
      RoleSubscription o = listener.subscribe(RoleInstanceId.of("s1/source"), "tick", SubscriptionMode.ONCE,
          Map.of("i__ge", 1), (src, args, pl) -> once.add(args.get("i")));
      RoleSubscription f = listener.subscribe(RoleInstanceId.of("s1/source"), "tick", SubscriptionMode.FOREVER,
          Map.of("tags__contains", "x"), (src, args, pl) -> tagged.add(args.get("i")));
      one.tick.emit(Args.of("i", 0, "tags", List.of("y")));
      one.tick.emit(Args.of("i", 1, "tags", List.of("x", "y")));
      one.tick.emit(Args.of("i", 2, "tags", List.of("x")));
      await("the tagged events", () -> tagged.size() >= 2);
      assertEquals(List.of(1L, 2L), tagged);
      assertEquals(List.of(1L), once, "ONCE: the first matching event only");
      f.close();
      o.close();

      // automatic: the relationship starts empty (no local 'source': no fallback), then changes while s2 emits
      Follower follower = w.deploy("follower", new Follower());
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger next = new AtomicInteger();
      Thread emitter = new Thread(() -> {
        while (running.get()) {
          int i = next.incrementAndGet();
          one.tick.emit(Args.of("i", i));
          two.tick.emit(Args.of("i", i));
        }
      });
      emitter.start();
      try {
        w.addToRelationship("source", RoleInstanceId.of("s1/source"));
        int afterS1 = next.get();
        await("events of s1", () -> follower.got.stream().anyMatch(e -> e.startsWith("s1:")));
        w.addToRelationship("source", RoleInstanceId.of("s2/source"));
        int afterS2 = next.get();
        await("events of s2", () -> follower.got.stream().anyMatch(e -> e.startsWith("s2:")));
        w.removeFromRelationship("source", RoleInstanceId.of("s1/source"));
        int removedAt = next.get();
        long s1Before = follower.got.stream().filter(e -> e.startsWith("s1:")).count();
        await("more events of s2", () -> follower.got.stream().filter(e -> e.startsWith("s2:"))
            .mapToInt(e -> Integer.parseInt(e.substring(3))).max().orElse(0) > removedAt + 5);
        assertEquals(s1Before, follower.got.stream().filter(e -> e.startsWith("s1:")).count(),
            "nothing of s1 after it left the relationship");
        // every event emitted once a subscription was live arrived, in order per instance
        for (String src : List.of("s1", "s2")) {
          int from = src.equals("s1") ? afterS1 + 1 : afterS2 + 1;
          List<Integer> seen = follower.got.stream().filter(e -> e.startsWith(src + ":"))
              .map(e -> Integer.parseInt(e.substring(3))).filter(i -> i >= from).toList();
          assertFalse(seen.isEmpty(), src);
          for (int k = 1; k < seen.size(); k++) {
            assertEquals(seen.get(k - 1) + 1, seen.get(k), src + " in order and without a gap: " + seen);
          }
        }
      } finally {
        running.set(false);
        emitter.join(WAIT.toMillis());
      }
    }
  }
}
