package io.fedstream.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.NodeConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client/server federation in one JVM, on a real broker and registry. */
@ExtendWith(FedStreamExtension.class)
class ClientServerFederationIT {

  private final Platform platform;

  ClientServerFederationIT(Platform platform) {
    this.platform = platform;
  }

  @BeforeEach
  void clearLog() {
    TestNodes.LOG.clear();
  }

  private NodeConfig config() {
    return NodeConfig.builder().bootstrapServers(platform.bootstrapServers()).registryUrl(platform.registryUrl())
        .namespace(platform.newNamespace()).build();
  }

  /** Threads of the federation (train threads) and of its host, still alive. */
  private static Set<String> federationThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("federation-") || n.startsWith("fedstream-federation-"))
        .collect(Collectors.toSet());
  }

  private static void assertNothingLeft() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!federationThreads().isEmpty() && System.nanoTime() < end) {
      Thread.sleep(50); // Kafka's own threads end asynchronously after close; bounded wait
    }
    assertEquals(Set.of(), federationThreads(), "no thread of the federation is left");
  }

  @Test
  void theTutorialRunsBoundedAndEndsWhenTheServerReturns() throws Exception {
    int rounds = 2;
    ClientServerFederation f = ClientServerFederation.builder().config(config())
        .server(TestNodes.EchoServer.class).client(TestNodes.EchoClient.class)
        .clients(3).roles(List.of("train", "train", "train")).build();
    TrainResult r = f.train(
        Map.of("outMsg", (Supplier<String>) () -> "Hello from server", "messages", 3 * rounds),
        Map.of("outMsg", (Supplier<String>) () -> "Hello from", "rounds", rounds));
    assertEquals(TrainResult.Outcome.COMPLETED, r.outcome());
    assertEquals(3 * rounds, r.serverResult());
    List<String> log = TestNodes.LOG;
    assertEquals(3 * rounds, log.stream().filter(l -> l.startsWith("server received Hello from client-")).count(), "" + log);
    for (int c = 1; c <= 3; c++) {
      String line = "client-" + c + "/train received Hello from server from server";
      assertTrue(log.stream().filter(line::equals).count() <= rounds, "" + log);
    }
    assertTrue(log.contains("server received Hello from client-2 from client-2"), "" + log);
    assertNothingLeft();
  }

  @Test
  void unknownAndMissingKeysAreRefusedBeforeAnyNodeStarts() {
    ClientServerFederation f = ClientServerFederation.builder().config(config())
        .server(TestNodes.EchoServer.class).client(TestNodes.EchoClient.class).clients(2).build();
    FederationException e = assertThrows(FederationException.class, () -> f.train(
        Map.of("out_msg", (Supplier<String>) () -> "x", "messages", 1), Map.of("outMsg", (Supplier<String>) () -> "x")));
    assertEquals(FederationException.BAD_ARGUMENTS, e.code());
    assertTrue(e.getMessage().contains("server args") && e.getMessage().contains("unknown key out_msg")
        && e.getMessage().contains("missing key outMsg"), e.getMessage());
    assertEquals(Set.of(), federationThreads());
  }

  @Test
  void stopReleasesNodesBlockedInReceiveAndLeavesNothing() throws Exception {
    ClientServerFederation f = ClientServerFederation.builder().config(config())
        .server(TestNodes.SleepingServer.class).client(TestNodes.BlockedClient.class).clients(2).build();
    CompletableFuture<TrainResult> run = CompletableFuture.supplyAsync(() -> f.train(Map.of(), Map.of()));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!federationThreads().contains("federation-client-2") && System.nanoTime() < end) {
      Thread.sleep(20); // poll interval of a bounded wait
    }
    assertTrue(federationThreads().contains("federation-client-2"), "the nodes run");
    f.stop();
    assertEquals(TrainResult.Outcome.STOPPED, run.get(60, TimeUnit.SECONDS).outcome());
    assertNothingLeft();
  }

  @Test
  void aDeadlineStopsTheFederation() throws Exception {
    ClientServerFederation f = ClientServerFederation.builder().config(config())
        .server(TestNodes.BlockedServer.class).client(TestNodes.BlockedClient.class).clients(1)
        .deadline(Duration.ofSeconds(2)).build();
    assertEquals(TrainResult.Outcome.DEADLINE, f.train(Map.of(), Map.of()).outcome());
    assertNothingLeft();
  }

  @Test
  void aFailingNodeStopsTheFederationAndIsNamed() throws Exception {
    ClientServerFederation f = ClientServerFederation.builder().config(config())
        .server(TestNodes.BlockedServer.class).client(TestNodes.FailingClient.class).clientIds("alice").build();
    FederationException e = assertThrows(FederationException.class, () -> f.train(Map.of(), Map.of()));
    assertEquals(FederationException.NODE_FAILED, e.code());
    assertEquals("alice", e.nodeId().orElseThrow());
    assertTrue(e.getMessage().contains("broken data set on alice"), e.getMessage());
    assertNothingLeft();
  }

  @Test
  void largeWeightsTravelAsChunksAndGatherAcceptsAMinimumAtItsDeadline() throws Exception {
    ClientServerFederation f = ClientServerFederation.builder().config(config())
        .server(TestNodes.GatheringServer.class).client(TestNodes.WeightsClient.class).clients(3).build();
    int size = 600_000; // 2.4 MB: three chunks at the default 1 MiB
    TrainResult r = f.train(Map.of("min", 2, "deadlineMs", 8_000), Map.of("size", size, "silent", "client-3"));
    assertEquals(TrainResult.Outcome.COMPLETED, r.outcome());
    List<?> out = (List<?>) r.serverResult();
    assertEquals(2, out.get(0), "two of three answered: " + TestNodes.LOG);
    assertEquals(2 * (size - 1) * 0.5, ((Number) out.get(1)).doubleValue(), 1e-3);
    assertTrue(TestNodes.LOG.contains("client-1 round 1 all of it " + size), "" + TestNodes.LOG);
    assertNothingLeft();
  }

  @Test
  void gatherBelowItsMinimumFailsNamingWhoIsMissing() throws Exception {
    ClientServerFederation f = ClientServerFederation.builder().config(config())
        .server(TestNodes.GatheringServer.class).client(TestNodes.WeightsClient.class).clients(2).build();
    FederationException e = assertThrows(FederationException.class, () -> f.train(Map.of("min", 2, "deadlineMs", 3_000),
        Map.of("size", 10, "silent", "client-2")));
    assertEquals(FederationException.NODE_FAILED, e.code());
    assertEquals("server", e.nodeId().orElseThrow());
    assertTrue(e.getMessage().contains("missing: [client-2]"), e.getMessage());
    assertNothingLeft();
  }
}
