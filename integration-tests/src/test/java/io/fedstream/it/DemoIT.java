package io.fedstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code fedstream demo messaging}: one server and three clients exchange messages, on an existing cluster and embedded. */
@ExtendWith(FedStreamExtension.class)
class DemoIT {

  private static final Pattern RECEIVED =
      Pattern.compile("round (\\d+)\\s+(\\S+)\\s+received \"Hello from (\\S+)\" from (\\S+)\\s+\\(sent \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\)");

  /** Every node printed what it received, with sender and time: the server 3 x rounds, each client rounds. */
  private static void assertFederation(String out, int rounds) {
    Matcher m = RECEIVED.matcher(out);
    int server = 0;
    int[] clients = new int[4];
    while (m.find()) {
      String node = m.group(2);
      String from = m.group(4);
      assertEquals(m.group(3), from, "the body names its sender: " + m.group());
      if (node.equals("server")) {
        assertTrue(from.startsWith("client-"), m.group());
        server++;
      } else {
        assertEquals("server", from, "the server replies to the sender: " + m.group());
        clients[Integer.parseInt(node.substring("client-".length()))]++;
      }
    }
    assertEquals(3 * rounds, server, out);
    for (int c = 1; c <= 3; c++) {
      assertEquals(rounds, clients[c], "client-" + c + " got one reply per round:\n" + out);
    }
    assertTrue(out.contains("Done: " + (6 * rounds) + " messages"), out);
  }

  @Test
  void demoRunsOnAnExistingCluster(Platform platform) throws Exception {
    Cli.Result r = Cli.fedstream("demo", "messaging", "--bootstrap", platform.bootstrapServers(), "--registry", platform.registryUrl(),
        "--rounds", "2");
    assertEquals(0, r.exit(), r.toString());
    assertFederation(r.out(), 2);
    assertTrue(r.out().contains("Federation demo-"), "a fresh namespace per run:\n" + r);
  }

  @Test
  void scriptRunsTheDemoOnTheEmbeddedPlatformAndStopsIt() throws Exception {
    Path dataDir = Files.createTempDirectory("fedstream-demo-it");
    try {
      Path root = Path.of(System.getProperty("fedstream.repo.root"));
      Cli.Result r = Cli.run(List.of("bash", root.resolve("fedstream").toString(), "demo", "messaging", "--data-dir", dataDir.toString(),
          "--kafka-port", "0", "--controller-port", "0", "--registry-port", "0"),
          // The launcher was built by this very build; the script must not start a nested one.
          Map.of("FEDSTREAM_SKIP_BUILD", "1"));
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.out().contains("Starting the embedded platform"), r.toString());
      assertFederation(r.out(), 3);
      assertTrue(r.out().contains("Stopping the platform this demo started"), r.toString());
      assertTrue(Cli.javaProcessesOf(dataDir).isEmpty(), "the demo stops what it started:\n"
          + Cli.describe(Cli.javaProcessesOf(dataDir)));
    } finally {
      Cli.killAll(dataDir);
    }
  }

  @Test
  void listNamesEveryDemo() throws Exception {
    Cli.Result r = Cli.fedstream("demo", "--list");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().matches("(?s).*messaging +The client/server messaging tutorial.*"), r.out());
    assertTrue(r.out().matches("(?s).*connection +The instruction/response connection.*"), r.out());
  }

  @Test
  void connectionDemoRunsOnAnExistingCluster(Platform platform) throws Exception {
    Cli.Result r = Cli.fedstream("demo", "connection", "--bootstrap", platform.bootstrapServers(), "--registry",
        platform.registryUrl(), "--rounds", "3", "--clients", "3");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("Coordinator: 3 clients connected: client-1, client-2, client-3"), r.out());
    for (int round = 1; round <= 3; round++) {
      for (int c = 1; c <= 3; c++) {
        assertTrue(Pattern.compile("round " + round + "  client-" + c + " +answered theta=\\[[-0-9., ]+\\] from "
            + (100 * c) + " samples").matcher(r.out()).find(), "round " + round + " client-" + c + ":\n" + r.out());
      }
    }
    assertTrue(r.out().contains("Done: 9 instructions answered; theta = [2.042, -2.042]"), r.out());
  }
}
