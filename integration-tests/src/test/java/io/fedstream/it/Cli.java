package io.fedstream.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs the {@code fedstream} command in its own JVM, as a user would, and collects what it printed. */
final class Cli {

  /** What a run printed and returned. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {
  }

  /** The launcher's class path, exactly as {@code ./fedstream} builds it. */
  static String classpath() throws IOException {
    String jar = System.getProperty("fedstream.launcher.jar");
    String cp = Files.readString(Path.of(System.getProperty("fedstream.launcher.classpath"))).trim();
    return jar + ":" + cp;
  }

  /** Runs {@code java -cp <launcher> io.fedstream.launcher.Main args...}, waiting at most 3 minutes. */
  static Result fedstream(String... args) throws Exception {
    return fedstream(180, args);
  }

  /** Runs {@code java -cp <launcher> io.fedstream.launcher.Main args...}, waiting at most {@code seconds}. */
  static Result fedstream(int seconds, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", classpath(), "io.fedstream.launcher.Main"));
    cmd.addAll(List.of(args));
    return run(cmd, Map.of(), seconds);
  }

  static Result run(List<String> cmd, Map<String, String> env) throws Exception {
    return run(cmd, env, 180);
  }

  static Result run(List<String> cmd, Map<String, String> env, int seconds) throws Exception {
    Path out = Files.createTempFile("fedstream-out", ".txt");
    Path err = Files.createTempFile("fedstream-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().putAll(env);
      pb.directory(Path.of(System.getProperty("fedstream.repo.root")).toFile());
      Process p = pb.start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("fedstream " + cmd + " did not finish within " + seconds + " s; stdout:\n"
            + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Java processes (other than this test's JVM) whose command line names something inside {@code dir}. */
  static List<ProcessHandle> javaProcessesOf(Path dir) {
    String root = dir.toAbsolutePath().normalize().toString();
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.pid() != self)
        .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
        .filter(h -> h.info().commandLine().map(c -> c.contains(root)).orElse(false))
        .collect(Collectors.toList());
  }

  static String describe(List<ProcessHandle> ps) {
    return ps.stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).collect(Collectors.joining("\n"));
  }

  /** Kills whatever a failed test left behind, so one failure does not leak processes into the next. */
  static void killAll(Path dir) {
    for (ProcessHandle h : javaProcessesOf(dir)) {
      h.destroyForcibly();
      h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> h).join();
    }
  }
}
