package io.fedstream.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a workload prints: detail lines first ({@code <workload> <side> run=<i> key=value ...}),
 * then exactly one {@code RESULT} line. Collects each side's figures over the runs and gives
 * their medians.
 */
final class Report {
  private final PrintStream out;
  private final String workload;
  private final Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();

  private Runnable beforeResult = () -> { };
  private boolean done;

  Report(PrintStream out, String workload) {
    this.out = out;
    this.workload = workload;
  }

  /** Prints a free-form detail line, prefixed by the workload's name. */
  void detail(String text) {
    out.println(workload + " " + text);
    out.flush();
  }

  /** Records one run of one side and prints it as a detail line. */
  void run(String side, int run, Map<String, Double> values) {
    StringBuilder line = new StringBuilder(side).append(" run=").append(run);
    values.forEach((k, v) -> {
      line.append(' ').append(k).append('=').append(num(v));
      figures.computeIfAbsent(side, s -> new LinkedHashMap<>())
          .computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    });
    detail(line.toString());
  }

  /** The median over the runs of a side's figure. */
  double median(String side, String key) {
    List<Double> values = figures.getOrDefault(side, Map.of()).get(key);
    if (values == null || values.isEmpty()) {
      throw new BenchException("No figure " + key + " was measured for " + workload + " " + side + ".");
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Prints the medians of every side as detail lines. */
  void medians() {
    figures.forEach((side, keys) -> {
      StringBuilder line = new StringBuilder(side).append(" median");
      keys.forEach((k, v) -> line.append(' ').append(k).append('=').append(num(median(side, k))));
      detail(line.toString());
    });
  }

  /** Prints the final {@code RESULT} line: {@code RESULT <workload> <body>}. */
  void result(String body) {
    if (done) {
      throw new BenchException("A workload printed two RESULT lines: " + workload);
    }
    try {
      beforeResult.run();
    } catch (RuntimeException e) {
      // a detail line is not worth losing the result for
    }
    done = true;
    out.println("RESULT " + workload + " " + body);
    out.flush();
  }

  /** Runs {@code hook} (which may print details) just before the RESULT line. */
  void beforeResult(Runnable hook) {
    this.beforeResult = hook;
  }

  /** Whether the RESULT line has been printed. */
  boolean done() {
    return done;
  }

  /** Formats a figure without units: three significant decimals for small values, none for large. */
  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "nan";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
