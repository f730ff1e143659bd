package io.fedstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code up}: seconds from starting {@code fedstream up} (with a fresh data directory) until it
 * returns with the platform ready; then {@code fedstream down}. The launcher is found, in order:
 * on this class path ({@value #LAUNCHER_MAIN}, as when the launcher itself runs
 * {@code fedstream bench}), run as a child JVM; else the {@code fedstream} script in
 * {@code $FEDSTREAM_HOME} or the working directory, built first (untimed) and then run with
 * {@code FEDSTREAM_SKIP_BUILD=1}. Neither: {@code skipped}.
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

  static boolean launcherOnClassPath() {
    try {
      Class.forName(LAUNCHER_MAIN, false, UpWorkload.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  static Path script() {
    String home = System.getenv("FEDSTREAM_HOME");
    for (Path p : List.of(Paths.get(home == null ? "." : home, "fedstream"), Paths.get("fedstream"))) {
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toAbsolutePath().normalize();
      }
    }
    return null;
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) throws Exception {
    Path script = launcherOnClassPath() ? null : script();
    if (!launcherOnClassPath() && script == null) {
      report.detail("size=" + size.label() + " (up has one size) runs=" + runs);
      report.result("skipped reason=launcher-not-found");
      return;
    }
    report.detail("size=" + size.label() + " (up has one size) runs=" + runs + " launcher="
        + (script == null ? "class-path" : script.toString()));
    if (script != null) {
      // Build the launcher if the script wants to; not part of the figure.
      try (ChildJvm build = ChildJvm.command(List.of(script.toString(), "--version"), Map.of())) {
        if (build.waitFor(900) != 0) {
          throw new BenchException("'" + script + " --version' failed; the launcher does not build");
        }
      }
    }
    for (int run = 1; run <= runs; run++) {
      report.run("fedstream", run, once(script));
    }
    report.medians();
    report.result("fedstream=" + Report.num(report.median("fedstream", "up_s")));
  }

  private static ChildJvm launcher(Path script, String... args) throws Exception {
    if (script == null) {
      return ChildJvm.start(List.of("-Xmx512m"), LAUNCHER_MAIN, List.of(args));
    }
    List<String> cmd = new ArrayList<>(List.of(script.toString()));
    cmd.addAll(List.of(args));
    return ChildJvm.command(cmd, Map.of("FEDSTREAM_SKIP_BUILD", "1"));
  }

  private static Map<String, Double> once(Path script) throws Exception {
    Path dir = Files.createTempDirectory("bench-up");
    String dataDir = dir.resolve("data").toString();
    long start = System.nanoTime();
    int status;
    try (ChildJvm up = launcher(script, "up", "--data-dir", dataDir)) {
      status = up.waitFor(300);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    try (ChildJvm down = launcher(script, "down", "--data-dir", dataDir)) {
      down.waitFor(120);
    } finally {
      TempFiles.deleteTree(dir);
    }
    if (status != 0) {
      throw new BenchException("'fedstream up' exited with status " + status);
    }
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("up_s", seconds);
    return v;
  }
}
