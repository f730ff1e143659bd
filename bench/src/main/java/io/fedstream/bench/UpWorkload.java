package io.fedstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code up}: seconds from starting {@code fedstream up} (the launcher, as a child JVM on this
 * class path, with a fresh data directory) until it returns with the platform ready; then
 * {@code fedstream down}. Runs when the launcher ({@value #LAUNCHER_MAIN}) is on the class path,
 * as it is when the launcher itself runs {@code fedstream bench}.
 */
final class UpWorkload extends Workload {

  static final String LAUNCHER_MAIN = "io.fedstream.launcher.Main";

  @Override
  String name() {
    return "up";
  }

  @Override
  boolean needsBroker() {
    return false;
  }

  static String launcherMissing() {
    try {
      Class.forName(LAUNCHER_MAIN, false, UpWorkload.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException e) {
      return "launcher-not-on-classpath";
    }
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) throws Exception {
    String missing = launcherMissing();
    report.detail("size=" + size.label() + " (up has one size) runs=" + runs);
    if (missing != null) {
      report.result("skipped reason=" + missing);
      return;
    }
    for (int run = 1; run <= runs; run++) {
      report.run("fedstream", run, once());
    }
    report.medians();
    report.result("fedstream=" + Report.num(report.median("fedstream", "up_s")));
  }

  private static Map<String, Double> once() throws Exception {
    Path dir = Files.createTempDirectory("bench-up");
    String dataDir = dir.resolve("data").toString();
    long start = System.nanoTime();
    int status;
    try (ChildJvm up = ChildJvm.start(List.of("-Xmx512m"), LAUNCHER_MAIN, List.of("up", "--data-dir", dataDir))) {
      status = up.waitFor(180);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    try (ChildJvm down = ChildJvm.start(List.of("-Xmx256m"), LAUNCHER_MAIN, List.of("down", "--data-dir", dataDir))) {
      down.waitFor(120);
    }
    if (status != 0) {
      throw new BenchException("'fedstream up' exited with status " + status);
    }
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("up_s", seconds);
    return v;
  }
}
