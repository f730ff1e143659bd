package io.fedstream.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.router.RouterConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The register table through the proxy, on a real broker and a router whose trigger embedding
 * budget is 0: every gathered message reaches the node as a reference, which the SDK fetches, so
 * every message a handler gets here was resolved.
 */
@ExtendWith(FedStreamExtension.class)
class ProxyRegisterTableIT {

  @TempDir
  static Path dir;
  static RouterFixture f;
  static final long WAIT_S = 60;

  @BeforeAll
  static void up(Platform platform) throws Exception {
    f = new RouterFixture(platform, dir, Map.of(RouterConfig.TRIGGER_MAX_EMBEDDED_BYTES, "0"));
  }

  @AfterAll
  static void down() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void theHandlerGetsTheGatheredMessagesResolvedAndReceiveDoesNot() throws Exception {
    List<Proxy> farm = f.farm("gather", "gather-w", 2);
    Proxy master = farm.get(0);
    BlockingQueue<List<Message>> got = new LinkedBlockingQueue<>();
    List<Object> thats = Collections.synchronizedList(new ArrayList<>());
    Object local = new Object();
    RegisterTable<Object> table = master.registerTable(local).register("gather-w:update:2", (that, proxy, ms) -> {
      thats.add(that);
      got.add(ms);
    });
    table.awaitLive(RouterFixture.WAIT);

    // a chunked attachment: the sender cuts at 1 KiB, the file arrives reassembled in the handler
    byte[] big = new byte[5000];
    new Random(7).nextBytes(big);
    Proxy chunky = f.track(Proxy.builder(f.config().set(NodeConfig.CHUNK_SIZE, 1024).build()).group("gather")
        .componentType("worker").name("gather-w9").join());
    Message first = new Message("update", null, master.name(), Map.of("n", 1)).attach(Payload.ofBytes("weights", big));
    chunky.send(first);
    Message second = new Message("update", null, master.name(), Map.of("n", 2));
    farm.get(1).send(second);
    farm.get(2).send(new Message("ping", null, master.name(), "not gathered"));

    List<Message> ms = got.poll(WAIT_S, TimeUnit.SECONDS);
    assertEquals(List.of(first.messageId(), second.messageId()), ms.stream().map(Message::messageId).toList(),
        "every gathered message, in arrival order");
    assertEquals(Map.of("n", 1L), ms.get(0).payload());
    Path file = ms.get(0).attachments().get(0).file().orElseThrow();
    assertArrayEquals(big, Files.readAllBytes(file), "the chunked payload, reassembled");
    assertEquals(Map.of("n", 2L), ms.get(1).payload(), "fetched by reference, resolved");
    assertEquals(List.of(local), thats);

    // what the table gathered never reaches receive(): the first message there is the ping
    Message next = master.receive().iterator().next();
    assertEquals("ping", next.tag());
    table.close();
  }

  @Test
  void aThrowingHandlerIsLoggedAndDispatchGoesOn() throws Exception {
    List<Proxy> farm = f.farm("boom", "boom-w", 1);
    Proxy master = farm.get(0);
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch twice = new CountDownLatch(2);
    RegisterTable<Proxy> table = master.registerTable(master).register("boom-w1:boom:1", (that, proxy, ms) -> {
      calls.incrementAndGet();
      twice.countDown();
      throw new IllegalStateException("handler failure on purpose");
    });
    table.awaitLive(RouterFixture.WAIT);
    farm.get(1).send(new Message("boom", null, master.name(), 1));
    farm.get(1).send(new Message("boom", null, master.name(), 2));
    assertTrue(twice.await(WAIT_S, TimeUnit.SECONDS), "called again after throwing: " + calls.get());
    table.close();
  }

  @Test
  void aMalformedEventFailsWithACodedErrorBeforeAnythingIsWritten() throws Exception {
    List<Proxy> farm = f.farm("bad", "bad-w", 1);
    Proxy master = farm.get(0);
    long before = ProxyPrimitivesIT.recordsIn(f, f.ns + ".conditional-events");
    RegisterTable<Object> table = master.registerTable(null);
    for (String bad : List.of("worker:update:3 AND", "worker:update", "w:x:0", "w:x:101%", "(w:x:1")) {
      NodeException e = assertThrows(NodeException.class, () -> table.register(bad, (t, p, m) -> { }));
      assertEquals(ErrorCode.INVALID_CONDITION, e.errorCode(), bad);
    }
    assertThrows(NodeException.InvalidConditionException.class, () -> Event.of("a:b:1", "c:d:1", "XOR"));
    assertEquals(before, ProxyPrimitivesIT.recordsIn(f, f.ns + ".conditional-events"), "nothing written");
    table.close();
  }

  @Test
  void aPercentUnitNamingAGroupFiresOnItsAliveMembersAndBroadcastsCount() throws Exception {
    // workers with no common prefix: only the group name can name them
    List<Proxy> farm = f.farm("pct", "pct-", 3);
    Proxy master = farm.get(0);
    BlockingQueue<List<Message>> got = new LinkedBlockingQueue<>();
    RegisterTable<Object> table = master.registerTable(null).register(Event.of("pct-worker:update:60%"),
        (that, proxy, ms) -> got.add(ms));
    table.awaitLive(RouterFixture.WAIT);
    farm.get(1).send(new Message("update", null, master.name(), 1));
    farm.get(2).send(new Message("update", null, master.name(), 2));
    List<Message> ms = got.poll(WAIT_S, TimeUnit.SECONDS);
    assertEquals(2, ms.size(), "60% of 3 alive members rounds up to 2");

    // a message broadcast to a group counts for each registering member
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    List<RegisterTable<String>> tables = new ArrayList<>();
    for (Proxy w : farm.subList(1, 4)) {
      tables.add(w.registerTable(w.name()).register(master.name() + ":go:1", (that, proxy, m) -> heard.add(that)));
    }
    for (RegisterTable<String> t : tables) {
      t.awaitLive(RouterFixture.WAIT);
    }
    master.broadcast("worker", "go", SessionType.NOTIFICATION, null);
    List<String> who = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      who.add(heard.poll(WAIT_S, TimeUnit.SECONDS));
    }
    assertEquals(List.of("pct-1", "pct-2", "pct-3"), who.stream().sorted().toList());
    tables.forEach(RegisterTable::close);
    table.close();
  }

  @Test
  void aMixedEventFiresOnEitherBranch() throws Exception {
    List<Proxy> farm = f.farm("mix", "mix-w", 3);
    Proxy master = farm.get(0);
    BlockingQueue<List<Message>> got = new LinkedBlockingQueue<>();
    Event mixed = Event.of(Event.of("mix-w1:update:2", "mix-w2:update:3", "AND"), "mix-w3:update:1", "OR");
    assertEquals("(mix-w1:update:2 AND mix-w2:update:3) OR mix-w3:update:1", mixed.expression());
    RegisterTable<Object> table = master.registerTable(null).register(mixed, (t, p, ms) -> got.add(ms));
    table.awaitLive(RouterFixture.WAIT);
    farm.get(1).send(new Message("update", null, master.name(), "a"));
    farm.get(3).send(new Message("update", null, master.name(), "c"));
    List<Message> ms = got.poll(WAIT_S, TimeUnit.SECONDS);
    assertEquals(List.of("a", "c"), ms.stream().map(Message::payload).toList(), "the OR branch, with what else was gathered");
    table.close();
  }

  @Test
  void aDistWorkerRunsUntilStoppedAndStoppingDrainsTheHandlerInFlight() throws Exception {
    List<Proxy> farm = f.farm("dist", "dist-w", 1);
    Proxy master = farm.get(0);
    Proxy worker = farm.get(1);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    Dist<List<String>> dist = Dist.of(worker, Map.of(master.name() + ":rollout:1", (that, proxy, ms) -> {
      that.add("handler started with " + ms.get(0).payload());
      started.countDown();
      release.await();
      that.add("handler finished");
    }));
    assertTrue(order == dist.wrap(order));
    Thread runner = new Thread(() -> {
      try {
        dist.run();
        order.add("run returned");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    runner.start();
    assertTrue(dist.running());
    master.send(new SessionMessage("rollout", null, worker.name(), 7, SessionType.NOTIFICATION));
    assertTrue(started.await(WAIT_S, TimeUnit.SECONDS));
    Thread stopper = new Thread(() -> {
      dist.stop();
      order.add("stop returned");
    });
    stopper.start();
    release.countDown();
    stopper.join(TimeUnit.SECONDS.toMillis(WAIT_S));
    runner.join(TimeUnit.SECONDS.toMillis(WAIT_S));
    assertEquals("handler started with 7", order.get(0));
    assertEquals("handler finished", order.get(1), "stop waits for the handler in flight: " + order);
    assertTrue(order.containsAll(List.of("stop returned", "run returned")), order.toString());
  }
}
