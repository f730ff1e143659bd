package io.fedstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedstream demo} (FedAvg): bad settings are usage errors, found before any platform starts. */
class FedAvgDemoTest {

  @TempDir
  Path dir;

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new String[] {Integer.toString(exit), out.toString(), err.toString()};
  }

  private void assertUsage(String expected, String... args) throws Exception {
    String[] r = run(args);
    assertEquals("2", r[0], String.join("\n", r));
    assertTrue(r[2].contains(expected), r[2]);
    assertFalse(r[2].contains("\tat "), r[2]);
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "nothing started in the data directory");
    }
  }

  @Test
  void badSettingsAreUsageErrorsBeforeAnythingStarts() throws Exception {
    String d = dir.toString();
    assertUsage("--rounds", "demo", "--rounds", "0", "--data-dir", d);
    assertUsage("--fraction", "demo", "fedavg", "--fraction", "1.5", "--data-dir", d);
    assertUsage("--alpha", "demo", "--alpha", "0", "--data-dir", d);
    assertUsage("exclude each other", "demo", "--iid", "--alpha", "0.3", "--data-dir", d);
    assertUsage("--model", "demo", "--model", "cnn", "--data-dir", d);
    assertUsage("--stragglers", "demo", "--clients", "3", "--stragglers", "3", "--data-dir", d);
  }
}
