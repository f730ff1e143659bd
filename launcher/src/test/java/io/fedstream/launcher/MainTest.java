package io.fedstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  private static void assertNoStackTrace(Run r) {
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void unknownOptionIsAUsageErrorWithUsage() {
    Run r = run("up", "--bogus");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
    assertTrue(r.err().contains("Usage: fedstream up"), r.err());
    assertNoStackTrace(r);
  }

  @Test
  void unknownCommandIsAUsageError() {
    Run r = run("upp");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("upp"), r.err());
  }

  @Test
  void bootstrapWithoutRegistryIsAUsageError() {
    Run r = run("demo", "--bootstrap", "127.0.0.1:1");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--bootstrap and --registry go together"), r.err());
    assertNoStackTrace(r);
  }

  @Test
  void portOutOfRangeIsAUsageError() {
    Run r = run("up", "--data-dir", dir.toString(), "--kafka-port", "70000");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("between 0 and 65535"), r.err());
  }

  @Test
  void statusAndDownOfANeverStartedPlatform() {
    Run status = run("status", "--data-dir", dir.toString());
    assertEquals(3, status.exit());
    assertTrue(status.out().contains("not running"), status.out());
    Run down = run("down", "--data-dir", dir.toString());
    assertEquals(0, down.exit());
    assertTrue(down.out().contains("nothing to stop"), down.out());
  }

  @Test
  void siteAddNeedsARunningSecuredPlatformAndAGoodId() {
    Run notRunning = run("site", "add", "hospital-a", "--data-dir", dir.toString());
    assertEquals(3, notRunning.exit(), notRunning.err());
    assertTrue(notRunning.err().contains("fedstream up --secure"), notRunning.err());
    Run badId = run("site", "add", "Hospital_A", "--data-dir", dir.toString());
    assertEquals(2, badId.exit(), badId.err());
    assertTrue(badId.err().contains("lower-case"), badId.err());
  }

  @Test
  void benchPassesItsArgumentsOnInTheirOrder() {
    BenchCommand bench = new BenchCommand();
    new picocli.CommandLine(bench).parseArgs("rr", "--size", "tiny", "--runs", "3");
    assertEquals(java.util.List.of("rr", "--size", "tiny", "--runs", "3"), bench.args);
  }

  @Test
  void stalePidFileIsNotTakenForARunningPlatform() throws Exception {
    Files.createDirectories(dir.resolve("run"));
    // The pid of this test JVM: alive, but not a process of the data directory.
    Files.writeString(dir.resolve("run").resolve("broker.pid"), Long.toString(ProcessHandle.current().pid()));
    Run status = run("status", "--data-dir", dir.toString());
    assertEquals(3, status.exit(), status.out());
  }

  @Test
  void messagingDemoRefusesBadCountsBeforeStartingAnything() {
    Run zero = run("demo", "messaging", "--rounds", "0", "--data-dir", dir.toString());
    assertEquals(2, zero.exit(), zero.out());
    Run none = run("demo", "messaging", "--clients", "0", "--data-dir", dir.toString());
    assertEquals(2, none.exit(), none.out());
  }

  @Test
  void nodeNeedsItsNamespaceClassAndId() {
    Run r = run("node", "--class", "x.Y", "--data-dir", dir.toString());
    assertEquals(2, r.exit(), r.out());
  }
}
