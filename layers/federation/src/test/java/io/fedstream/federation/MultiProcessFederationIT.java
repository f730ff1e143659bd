package io.fedstream.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.NodeConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server in this JVM, clients in child JVMs started as {@code fedstream node} starts them. */
@ExtendWith(FedStreamExtension.class)
class MultiProcessFederationIT {

  private static Process child(Platform platform, String ns, String id, Path log, String... extra) throws Exception {
    return child(platform, ns, TestNodes.RemoteEchoClient.class, id, log, extra);
  }

  private static Process child(Platform platform, String ns, Class<?> type, String id, Path log, String... extra)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), NodeProcess.class.getName(),
        "--bootstrap", platform.bootstrapServers(), "--registry", platform.registryUrl(), "--namespace", ns,
        "--class", type.getName(), "--id", id, "--start-timeout", "120"));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Test
  void clientsInChildJvmsTrainWithTheServerHere(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    NodeConfig config = NodeConfig.builder().bootstrapServers(platform.bootstrapServers())
        .registryUrl(platform.registryUrl()).namespace(ns).build();
    Path dir = Files.createTempDirectory("federation-it");
    List<Process> children = new ArrayList<>();
    try {
      ClientServerFederation f = ClientServerFederation.builder().config(config)
          .server(TestNodes.EchoServer.class).client(TestNodes.RemoteEchoClient.class)
          .clientIds("alice", "bob").roles(List.of("train", "eval")).remote("alice", "bob").build();

      // A lambda cannot travel to another process: refused at train time, naming the key, before anything starts.
      FederationException e = assertThrows(FederationException.class, () -> f.train(
          Map.of("outMsg", (Supplier<String>) () -> "x", "messages", 4),
          Map.of("outMsg", (Supplier<String>) () -> "x", "rounds", 2)));
      assertEquals(FederationException.BAD_ARGUMENTS, e.code());
      assertTrue(e.getMessage().contains("client args: key outMsg"), e.getMessage());

      children.add(child(platform, ns, "alice", dir.resolve("alice.log")));
      children.add(child(platform, ns, "bob", dir.resolve("bob.log"), "--arg", "outMsg=Howdy from"));
      TrainResult r = f.train(Map.of("outMsg", (Supplier<String>) () -> "Hello from server", "messages", 4),
          Map.of("outMsg", "Hello from", "rounds", 2L));
      assertEquals(TrainResult.Outcome.COMPLETED, r.outcome());
      assertEquals(4, r.serverResult());
      for (Process p : children) {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a remote node ends when the federation does");
      }
      String alice = Files.readString(dir.resolve("alice.log"), StandardCharsets.UTF_8);
      String bob = Files.readString(dir.resolve("bob.log"), StandardCharsets.UTF_8);
      assertEquals(0, children.get(0).exitValue(), alice);
      assertEquals(0, children.get(1).exitValue(), bob);
      assertTrue(alice.contains("alice/train received Hello from server from server"), alice);
      assertTrue(bob.contains("bob/eval received Hello from server from server"), bob);
      assertTrue(TestNodes.LOG.contains("server received Hello from alice from alice"), "" + TestNodes.LOG);
      assertTrue(TestNodes.LOG.contains("server received Howdy from bob from bob"), "the command line's --arg wins: "
          + TestNodes.LOG);
    } finally {
      for (Process p : children) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aRemoteClientThatDiesFailsTheFederationNamingIt(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    NodeConfig config = NodeConfig.builder().bootstrapServers(platform.bootstrapServers())
        .registryUrl(platform.registryUrl()).namespace(ns).build();
    Path log = Files.createTempFile("federation-it", ".log");
    Process doomed = child(platform, ns, TestNodes.BlockedClient.class, "doomed", log);
    try {
      ClientServerFederation f = ClientServerFederation.builder().config(config)
          .server(TestNodes.BlockedServer.class).client(TestNodes.BlockedClient.class)
          .clientIds("doomed").remote("doomed").build();
      java.util.concurrent.CompletableFuture<TrainResult> run =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> f.train(Map.of(), Map.of()));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.readString(log, StandardCharsets.UTF_8).contains("runs train") && System.nanoTime() < end) {
        Thread.sleep(50); // poll interval of a bounded wait
      }
      assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains("node doomed runs train as client"),
          Files.readString(log, StandardCharsets.UTF_8));
      doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> run.get(120, TimeUnit.SECONDS));
      FederationException fe = (FederationException) e.getCause();
      assertEquals(FederationException.NODE_FAILED, fe.code(), fe.getMessage());
      assertEquals("doomed", fe.nodeId().orElseThrow());
      assertTrue(fe.getMessage().contains("left"), fe.getMessage());
    } finally {
      doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
