package io.fedstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code fedstream up}, {@code status} and {@code down} run as a user would: each a new JVM, on
 * free ports, in a temporary data directory; afterwards no process of that directory is left.
 */
@ExtendWith(FedStreamExtension.class)
class CliLifecycleIT {

  private Path dataDir;

  @BeforeEach
  void dataDir() throws Exception {
    dataDir = Files.createTempDirectory("fedstream-cli-it");
  }

  @AfterEach
  void noLeftovers() {
    List<ProcessHandle> left = Cli.javaProcessesOf(dataDir);
    Cli.killAll(dataDir);
    assertTrue(left.isEmpty(), "processes left behind:\n" + Cli.describe(left));
  }

  private String[] withPorts(String command, String... more) {
    List<String> a = new ArrayList<>(List.of(command, "--data-dir", dataDir.toString(),
        "--kafka-port", "0", "--controller-port", "0", "--registry-port", "0"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private List<Long> recordedPids() throws Exception {
    List<Long> pids = new ArrayList<>();
    for (String part : List.of("broker", "registry", "router")) {
      Path f = dataDir.resolve("run").resolve(part + ".pid");
      assertTrue(Files.isRegularFile(f), "up records the " + part + "'s pid in " + f);
      pids.add(Long.parseLong(Files.readString(f).trim()));
    }
    return pids;
  }

  private static void assertNoStackTrace(Cli.Result r) {
    assertFalse(r.err().contains("\tat ") || r.out().contains("\tat "), "no stack trace:\n" + r);
    assertFalse(r.err().contains("Exception:"), "no bare exception:\n" + r);
  }

  @Test
  void upStatusDownLeavesNoProcess() throws Exception {
    Cli.Result up = Cli.fedstream(withPorts("up"));
    assertEquals(0, up.exit(), up.toString());
    Matcher m = Pattern.compile("bootstrap servers: (127\\.0\\.0\\.1:\\d+)").matcher(up.out());
    assertTrue(m.find(), up.toString());
    assertTrue(up.out().contains("schema registry:   http://127.0.0.1:"), up.toString());
    assertTrue(up.out().contains("data directory:    " + dataDir.toAbsolutePath().normalize()), up.toString());
    List<Long> pids = recordedPids();
    for (long pid : pids) {
      assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " runs after up");
    }
    assertTrue(Files.exists(dataDir.resolve("kafka").resolve("data").resolve("meta.properties")), "storage formatted");

    Cli.Result status = Cli.fedstream("status", "--data-dir", dataDir.toString());
    assertEquals(0, status.exit(), status.toString());
    for (String part : List.of("broker", "registry", "router")) {
      assertTrue(Pattern.compile(part + "\\s+running\\s+pid \\d+").matcher(status.out()).find(), status.toString());
    }
    assertTrue(status.out().contains(m.group(1)), status.toString());

    Cli.Result second = Cli.fedstream(withPorts("up"));
    assertEquals(0, second.exit(), "a second up while running is not an error:\n" + second);
    assertTrue(second.out().contains("already running"), second.toString());
    assertEquals(pids, recordedPids(), "a second up starts nothing");

    Cli.Result down = Cli.fedstream("down", "--data-dir", dataDir.toString());
    assertEquals(0, down.exit(), down.toString());
    for (String part : List.of("broker", "registry", "router")) {
      assertTrue(down.out().contains("stopped " + part), down.toString());
    }
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " is gone after down");
    }
    assertTrue(Cli.javaProcessesOf(dataDir).isEmpty(), Cli.describe(Cli.javaProcessesOf(dataDir)));

    Cli.Result after = Cli.fedstream("status", "--data-dir", dataDir.toString());
    assertEquals(3, after.exit(), after.toString());
    assertTrue(after.out().contains("not running"), after.toString());

    // The data directory is formatted now: the next up starts it as it is.
    Cli.Result again = Cli.fedstream(withPorts("up"));
    assertEquals(0, again.exit(), again.toString());
    assertTrue(again.out().contains("FedStream is up"), again.toString());
    Cli.Result downAgain = Cli.fedstream("down", "--data-dir", dataDir.toString());
    assertEquals(0, downAgain.exit(), downAgain.toString());
    assertTrue(Cli.javaProcessesOf(dataDir).isEmpty(), Cli.describe(Cli.javaProcessesOf(dataDir)));
  }

  @Test
  void upRepairsAPartlyRunningPlatformAndSaysWhatItStarted() throws Exception {
    Cli.Result up = Cli.fedstream(withPorts("up"));
    assertEquals(0, up.exit(), up.toString());
    String bootstrap = group(Pattern.compile("bootstrap servers: (\\S+)"), up.out()).orElseThrow();
    List<Long> pids = recordedPids(); // broker, registry, router
    killAndWait(pids.get(2));

    Cli.Result repaired = Cli.fedstream(withPorts("up"));
    assertEquals(0, repaired.exit(), repaired.toString());
    assertTrue(repaired.out().contains("partly running") && repaired.out().contains("started the router"),
        repaired.toString());
    assertTrue(repaired.out().contains("the broker and the registry were already running"), repaired.toString());
    assertTrue(repaired.out().contains("bootstrap servers: " + bootstrap), "same addresses:\n" + repaired);
    List<Long> after = recordedPids();
    assertEquals(pids.subList(0, 2), after.subList(0, 2), "the running parts are left alone");
    assertTrue(ProcessHandle.of(after.get(2)).map(ProcessHandle::isAlive).orElse(false), "a new router runs");
    Cli.Result status = Cli.fedstream("status", "--data-dir", dataDir.toString());
    assertEquals(0, status.exit(), status.toString());

    Cli.Result down = Cli.fedstream("down", "--data-dir", dataDir.toString());
    assertEquals(0, down.exit(), down.toString());
  }

  private static void killAndWait(long pid) throws Exception {
    ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
    h.destroyForcibly();
    h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void portInUseIsNamedAndNothingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Cli.Result r = Cli.fedstream("up", "--data-dir", dataDir.toString(), "--kafka-port", Integer.toString(port),
          "--controller-port", "0", "--registry-port", "0");
      assertEquals(1, r.exit(), r.toString());
      assertTrue(r.err().contains("Port " + port) && r.err().contains("--kafka-port"), r.toString());
      assertNoStackTrace(r);
      for (String part : List.of("broker", "registry", "router")) {
        assertFalse(Files.exists(dataDir.resolve("run").resolve(part + ".pid")), part + " was not started");
      }
    }
  }

  @Test
  void unknownOptionIsAUsageError() throws Exception {
    Cli.Result r = Cli.fedstream("up", "--data-dir", dataDir.toString(), "--kafka-prot=1");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("Unknown option") && r.err().contains("--kafka-prot"), r.toString());
    assertTrue(r.err().contains("Usage: fedstream up"), "usage follows:\n" + r);
    assertNoStackTrace(r);
  }

  @Test
  void unreachableBootstrapIsAClearError(Platform platform) throws Exception {
    int nobody = freePort();
    Cli.Result r = Cli.fedstream("demo", "--bootstrap", "127.0.0.1:" + nobody, "--registry", platform.registryUrl());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("cannot reach Kafka at 127.0.0.1:" + nobody), r.toString());
    assertNoStackTrace(r);
  }

  @Test
  void registryDownIsAClearError(Platform platform) throws Exception {
    String url = "http://127.0.0.1:" + freePort() + "/apis/ccompat/v7";
    Cli.Result r = Cli.fedstream("demo", "--bootstrap", platform.bootstrapServers(), "--registry", url);
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("schema registry at " + url + " is not usable: connection refused"), r.toString());
    assertNoStackTrace(r);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  static Optional<String> group(Pattern p, String s) {
    Matcher m = p.matcher(s);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
