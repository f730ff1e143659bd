package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * R8 of the fault suite, with a broker: the demos' exchanges, every node taking one message at a
 * time with {@code receive().next()} (a subscription that takes one message and cancels), on a CPU
 * kept busy by other threads. Each round the server broadcasts to the clients' group (FedAvg's
 * pattern), every client replies to the server, and the server answers each reply (the old
 * messaging demo's pattern). Each message id must reach each receiver exactly once and none may be
 * lost: a duplicate made the old demo's server count one message too many and a client wait for an
 * answer that never came. {@code ReceiveNextStressTest} repeats the hand-back thousands of times
 * without a broker; this test shows the same on the real path (mailbox and group topics, the
 * dispatcher's deduplication, the poller).
 */
@ExtendWith(FedStreamExtension.class)
class ExchangeStressIT {

  static final int CLIENTS = 3;
  static final int ROUNDS = 100;

  @Test
  void theDemoExchangeUnderLoadDeliversEveryMessageExactlyOnce(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    Map<String, Integer> atServer = new ConcurrentHashMap<>();
    Map<String, Integer> atClients = new ConcurrentHashMap<>();
    List<Node> nodes = new ArrayList<>();
    AtomicBoolean load = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1 + 2);
    try {
      Node server = Nodes.start(platform, ns, "server");
      nodes.add(server);
      List<Node> clients = new ArrayList<>();
      for (int i = 1; i <= CLIENTS; i++) {
        Node c = Nodes.start(platform, ns, "client-" + i, "clients");
        clients.add(c);
        nodes.add(c);
      }
      server.awaitMembers("clients", CLIENTS, Nodes.WAIT).block();
      // CPU load: as many busy threads as the machine has cores, beside the nodes' own
      for (int i = 0; i < 2; i++) {
        pool.submit(() -> {
          long x = 0;
          while (load.get()) {
            x += Long.numberOfTrailingZeros(System.nanoTime() ^ x);
          }
          return x;
        });
      }
      List<Future<?>> work = new ArrayList<>();
      work.add(pool.submit(() -> {
        for (int round = 1; round <= ROUNDS; round++) {
          server.broadcast("clients", Message.builder().tag("train").arg("round", round).build()).block(Nodes.WAIT);
          for (int i = 0; i < CLIENTS; i++) {
            Message m = take(server);
            atServer.merge(m.id(), 1, Integer::sum);
            assertEquals(round, ((Number) m.arg("round")).intValue(), "the server got a reply of another round");
            server.send(Message.builder().tag("answer").to(m.source()).arg("round", m.arg("round"))
                .arg("msg", "Hello from server").build()).block(Nodes.WAIT);
          }
        }
        return null;
      }));
      for (Node c : clients) {
        work.add(pool.submit(() -> {
          int broadcasts = 0;
          int answers = 0;
          while (broadcasts < ROUNDS || answers < ROUNDS) {
            Message m = take(c);
            atClients.merge(c.id() + '|' + m.id(), 1, Integer::sum);
            if (m.tag().equals("train")) {
              broadcasts++;
              assertEquals(broadcasts, ((Number) m.arg("round")).intValue(), c.id() + " got a broadcast out of turn");
              c.send(Message.builder().tag("update").to("server").arg("round", m.arg("round"))
                  .arg("msg", "Hello from " + c.id()).build()).block(Nodes.WAIT);
            } else {
              answers++;
              assertEquals(answers, ((Number) m.arg("round")).intValue(), c.id() + " got the answer of another round");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      load.set(false);
      pool.shutdownNow();
      nodes.forEach(Node::close);
    }
    assertEquals(CLIENTS * ROUNDS, atServer.size(), "replies the server received");
    assertEquals(2 * CLIENTS * ROUNDS, atClients.size(), "broadcasts and answers the clients received");
    assertTrue(atServer.values().stream().allMatch(n -> n == 1), "a message reached the server twice: " + twice(atServer));
    assertTrue(atClients.values().stream().allMatch(n -> n == 1), "a message reached a client twice: " + twice(atClients));
  }
  /** One message, the demo's way: a new receive() subscription that takes one and cancels. */
  private static Message take(Node n) {
    Message m = n.receive().next().block(Duration.ofSeconds(30));
    if (m == null) {
      throw new AssertionError(n.id() + " received nothing within 30 s");
    }
    return m;
  }

  private static Map<String, Integer> twice(Map<String, Integer> counts) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    counts.forEach((k, v) -> {
      if (v > 1) {
        out.put(k, v);
      }
    });
    return out;
  }
}
