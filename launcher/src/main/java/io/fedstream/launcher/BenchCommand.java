package io.fedstream.launcher;

import io.fedstream.platform.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code fedstream bench}: runs the benchmarks module's entry point in a JVM of its own, on the
 * bench module's own class path ({@code bench/target/classes} and {@code bench/target/classpath.txt}
 * under the FedStream directory). The benchmarks need JUnit's and Kafka's test kits and Spring
 * Kafka; the launcher's own class path holds none of them.
 */
@Command(name = "bench", description = "Run the benchmarks (FedStream beside a plain Kafka baseline) on their own"
    + " class path. Arguments go to the benchmark program unchanged.")
final class BenchCommand implements Callable<Integer> {

  /** The benchmarks' main class. */
  static final String BENCH_MAIN = "io.fedstream.bench.Main";
  /** System property (set by the {@code fedstream} script) naming the FedStream directory. */
  static final String HOME_PROPERTY = "fedstream.home";

  // One list, so that the benchmark program sees its arguments in the order they were given.
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path bench = Paths.get(System.getProperty(HOME_PROPERTY, "."), "bench", "target");
    Path classes = bench.resolve("classes");
    Path cpFile = bench.resolve("classpath.txt");
    if (!Files.isDirectory(classes) || !Files.isRegularFile(cpFile)) {
      throw new LauncherException(LauncherException.FAILED, "the benchmarks are not built (" + classes + " or "
          + cpFile + " is missing); run 'mvn -B package -DskipTests -pl bench -am' first.");
    }
    String cp;
    try {
      cp = classes + File.pathSeparator + Files.readString(cpFile, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new LauncherException(LauncherException.FAILED, "cannot read " + cpFile + ": " + e.getMessage());
    }
    List<String> cmd = new ArrayList<>(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-cp", cp, BENCH_MAIN));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    try {
      return p.waitFor();
    } finally {
      ChildJvm.stop(p.toHandle(), java.time.Duration.ofSeconds(10));
    }
  }
}
