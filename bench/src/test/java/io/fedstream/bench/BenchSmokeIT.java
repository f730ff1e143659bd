package io.fedstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each workload once at the tiny size against its own in-process broker: the last line is one
 * well-formed {@code RESULT} line (measured or skipped), and the plain baselines print their
 * figures. No timing is asserted.
 */
class BenchSmokeIT {

  private static final String N = "-?[0-9]+(\\.[0-9]+)?";

  /** The measured form of each workload's RESULT line, from the benchmark's definition. */
  static final Map<String, Pattern> MEASURED = Map.of(
      "rr", Pattern.compile("RESULT rr fedstream=" + N + " baseline=" + N + " ratio=" + N + " p99_ratio=" + N
          + " spring_ratio=" + N + " spring_default_ratio=" + N),
      "oneway", Pattern.compile("RESULT oneway fedstream=" + N + " baseline=" + N + " ratio=" + N),
      "large", Pattern.compile("RESULT large fedstream=" + N + " baseline=" + N + " ratio=" + N + " heap_mib=" + N),
      "round", Pattern.compile("RESULT round fedstream=" + N + " baseline=" + N + " ratio=" + N),
      "nodes", Pattern.compile("RESULT nodes present_s=" + N + " round_s=" + N + " idle_kib_per_node=" + N),
      "router", Pattern.compile("RESULT router fedstream=" + N + " baseline=" + N + " ratio=" + N),
      "up", Pattern.compile("RESULT up fedstream=" + N));

  /** The baseline side whose median each workload prints whether or not FedStream's side ran. */
  static final Map<String, String> BASELINE = Map.of(
      "rr", "plain", "oneway", "plain", "large", "plain", "round", "plain", "router", "passthrough");

  @ParameterizedTest
  @ValueSource(strings = {"rr", "oneway", "large", "round", "nodes", "router", "up"})
  void workloadEndsInOneWellFormedResultLine(String name) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      status = Main.run(new String[] {name, "--size", "tiny"}, out, System.err);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    List<String> lines = Arrays.asList(text.split("\\R"));
    String last = lines.get(lines.size() - 1);
    assertEquals(0, status, "exit status; output:\n" + text);
    assertEquals(1, lines.stream().filter(l -> l.startsWith("RESULT")).count(), "one RESULT line:\n" + text);
    Pattern skipped = Pattern.compile("RESULT " + name + " skipped reason=\\S+");
    assertTrue(MEASURED.get(name).matcher(last).matches() || skipped.matcher(last).matches(),
        "last line is not a well-formed RESULT line: '" + last + "'");
    for (String l : lines.subList(0, lines.size() - 1)) {
      assertTrue(l.startsWith(name + " "), "detail lines start with the workload's name: '" + l + "'");
    }
    String baseline = BASELINE.get(name);
    if (baseline != null) {
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(name + " " + baseline + " median ")),
          "the " + baseline + " baseline printed its medians:\n" + text);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "nope", "rr --size huge", "rr --runs 0", "rr --bogus"})
  void badCommandLinesExitWithStatusTwoAndPrintNoResult(String line) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = line.isEmpty() ? new String[0] : line.split(" ");
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).length() > 10, "says what to fix");
  }
}
