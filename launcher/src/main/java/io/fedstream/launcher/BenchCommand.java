package io.fedstream.launcher;

import io.fedstream.platform.ChildJvm;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code fedstream bench}: runs the benchmarks module's entry point when it is on the class path. */
@Command(name = "bench", description = "Run the benchmarks (FedStream beside a plain Kafka baseline). Arguments go"
    + " to the benchmark program unchanged.")
final class BenchCommand implements Callable<Integer> {

  /** The benchmarks' main class. */
  static final String BENCH_MAIN = "io.fedstream.bench.Main";

  // One list, so that the benchmark program sees its arguments in the order they were given.
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    try {
      Class.forName(BENCH_MAIN, false, getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new LauncherException(LauncherException.FAILED, "the benchmarks are not built into this launcher ("
          + BENCH_MAIN + " is not on the class path).");
    }
    List<String> all = new ArrayList<>(args);
    List<String> cmd = new ArrayList<>(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"), BENCH_MAIN));
    cmd.addAll(all);
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    try {
      return p.waitFor();
    } finally {
      ChildJvm.stop(p.toHandle(), java.time.Duration.ofSeconds(10));
    }
  }
}
