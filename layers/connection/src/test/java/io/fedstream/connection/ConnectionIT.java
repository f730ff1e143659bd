package io.fedstream.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.Message;
import io.fedstream.node.NodeConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** XAIN's connection on a real broker: the loop, the client manager, late responses, dying and reconnecting clients. */
@ExtendWith(FedStreamExtension.class)
class ConnectionIT {

  /** The seed's Participant: one protocol step on run. */
  static final class Participant extends ClientProxy {
    Message train(long theta) {
      return run(Message.builder().tag("train").arg("x", theta).build());
    }

    Message train(long theta, long sleepMs, Duration deadline) {
      return run(Message.builder().tag("train").arg("x", theta).arg("sleepMs", sleepMs).build(), deadline);
    }
  }

  private final Platform platform;

  ConnectionIT(Platform platform) {
    this.platform = platform;
  }

  private NodeConfig config(String ns, String id) {
    return NodeConfig.builder().bootstrapServers(platform.bootstrapServers()).registryUrl(platform.registryUrl())
        .namespace(ns).nodeId(id).set(NodeConfig.HEARTBEAT_INTERVAL_MS, 300).set(NodeConfig.LIVENESS_TIMEOUT_MS, 3000)
        .build();
  }

  private static CompletableFuture<Integer> client(Connection c) {
    return CompletableFuture.supplyAsync(() -> EchoClient.loop(c));
  }

  @Test
  void clientsLoopAndTheManagerHandsOutTheirProxies() throws Exception {
    String ns = platform.newNamespace();
    List<Connection> connections = new ArrayList<>();
    try (ConnectionServer server = ConnectionServer.builder().config(config(ns, "coordinator")).build()) {
      ClientManager<Participant> manager = server.createClientManager(Participant::new);
      assertEquals(ConnectionException.BAD_ARGUMENTS,
          assertThrows(ConnectionException.class, () -> manager.getClients(0)).code());
      List<CompletableFuture<Integer>> loops = new ArrayList<>();
      for (String id : List.of("alice", "bob")) {
        Connection c = Connection.open(config(ns, id), "coordinator");
        connections.add(c);
        loops.add(client(c));
      }
      List<Participant> clients = manager.clients(2, Duration.ofSeconds(60)).block();
      assertEquals(List.of("alice", "bob"), clients.stream().map(ClientProxy::clientId).collect(Collectors.toList()));
      for (long theta = 1; theta <= 3; theta++) {
        for (Participant p : clients) {
          Message r = p.train(theta);
          assertEquals(theta * 2, r.arg("echo"));
          assertEquals(p.clientId(), r.arg("from"));
        }
      }
      // More clients than will ever connect before the deadline: a coded error, not a hang.
      ConnectionException few = assertThrows(ConnectionException.class, () -> manager.getClients(3, Duration.ofSeconds(2)));
      assertEquals(ConnectionException.TIMEOUT, few.code());
      assertTrue(few.getMessage().contains("only 2 of the 3"), few.getMessage());
      server.close();
      for (CompletableFuture<Integer> loop : loops) {
        assertEquals(3, loop.get(30, TimeUnit.SECONDS), "each client answered 3 and ended when the server closed");
      }
    } finally {
      connections.forEach(Connection::close);
    }
  }

  @Test
  void aLateResponseIsDroppedAndTheClientIsServedAgain() throws Exception {
    String ns = platform.newNamespace();
    try (ConnectionServer server = ConnectionServer.builder().config(config(ns, "coordinator")).build();
        Connection c = Connection.open(config(ns, "slow"), "coordinator")) {
      ClientManager<Participant> manager = server.createClientManager(Participant::new);
      client(c);
      Participant p = manager.getClients(1).get(0);
      ConnectionException late = assertThrows(ConnectionException.class, () -> p.train(5, 1500, Duration.ofMillis(300)));
      assertEquals(ConnectionException.TIMEOUT, late.code());
      // The next run waits until the client answered (late) the previous one, then gets its own response.
      assertEquals(14L, p.train(7).arg("echo"));
    }
  }

  @Test
  void aClosedClientFailsItsRunAndIsServedAgainWhenItReconnects() throws Exception {
    String ns = platform.newNamespace();
    try (ConnectionServer server = ConnectionServer.builder().config(config(ns, "coordinator")).build()) {
      ClientManager<Participant> manager = server.createClientManager(Participant::new);
      Connection first = Connection.open(config(ns, "carol"), "coordinator");
      CompletableFuture<Integer> loop = client(first);
      Participant p = manager.getClients(1).get(0);
      assertEquals(2L, p.train(1).arg("echo"));
      first.close();
      assertEquals(1, loop.get(30, TimeUnit.SECONDS));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (p.isConnected() && System.nanoTime() < end) {
        Thread.sleep(20); // poll interval of a bounded wait
      }
      assertEquals(ConnectionException.DISCONNECTED, assertThrows(ConnectionException.class, () -> p.train(2)).code());
      try (Connection again = Connection.open(config(ns, "carol"), "coordinator")) {
        client(again);
        Participant same = manager.getClients(1).get(0);
        assertTrue(same == p, "the same proxy serves the client again");
        assertEquals(6L, p.train(3).arg("echo"));
      }
    }
  }

  @Test
  void aDyingClientFailsItsRunWithinTheLivenessTimeout() throws Exception {
    String ns = platform.newNamespace();
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), EchoClient.class.getName(), platform.bootstrapServers(),
        platform.registryUrl(), ns, "doomed", "coordinator").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (ConnectionServer server = ConnectionServer.builder().config(config(ns, "coordinator")).build()) {
      ClientManager<Participant> manager = server.createClientManager(Participant::new);
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        // the child's log lines
      }
      assertEquals("READY", line, "the child connected");
      CompletableFuture<Void> tookNine = new CompletableFuture<>();
      Thread drain = new Thread(() -> out.lines().forEach(l -> {
        if (l.equals("TAKEN 9")) {
          tookNine.complete(null);
        }
      }), "child-output");
      drain.setDaemon(true);
      drain.start();
      Participant p = manager.getClients(1, Duration.ofSeconds(60)).get(0);
      assertEquals(8L, p.train(4).arg("echo"));
      CompletableFuture<Message> hanging = CompletableFuture.supplyAsync(() -> p.train(9, 600_000, Duration.ofMinutes(5)));
      tookNine.get(60, TimeUnit.SECONDS); // the child has the instruction: it dies mid-run, not before it
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> hanging.get(60, TimeUnit.SECONDS));
      ConnectionException ce = (ConnectionException) e.getCause();
      assertEquals(ConnectionException.DISCONNECTED, ce.code(), ce.getMessage());
    } finally {
      child.destroyForcibly();
    }
  }
}
