package io.fedstream.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on this JVM's class path, so that one side of a workload (a receiver whose heap is
 * measured, a launcher) runs in a process of its own. Its standard output is read line by line;
 * its standard error goes to this process's.
 */
final class ChildJvm implements AutoCloseable {
  private static final String EOF = "\u0000eof";
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the child ended
      } finally {
        lines.add(EOF);
      }
    }, "bench-child-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code mainClass} with {@code jvmOptions} (such as {@code -Xmx128m}) and {@code args}. */
  static ChildJvm start(List<String> jvmOptions, String mainClass, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    String extra = System.getenv("BENCH_CHILD_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.add("-Dlog4j2.configurationFile=classpath:fedstream-bench-log4j2.xml");
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    return new ChildJvm(pb.start());
  }

  /** Starts any command (such as the {@code fedstream} script) with extra environment variables. */
  static ChildJvm command(List<String> cmd, java.util.Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    return new ChildJvm(pb.start());
  }

  /**
   * This JVM's class path: the URLs of the class loader that loaded the bench when it is a URL
   * class loader (as under {@code mvn exec:java}), else {@code java.class.path}.
   */
  static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    ClassLoader loader = ChildJvm.class.getClassLoader();
    while (loader != null) {
      if (loader instanceof URLClassLoader) {
        for (URL u : ((URLClassLoader) loader).getURLs()) {
          try {
            entries.add(Path.of(u.toURI()).toString());
          } catch (Exception e) {
            // not a file URL; skip
          }
        }
      }
      loader = loader.getParent();
    }
    String own = System.getProperty("java.class.path");
    if (entries.isEmpty()) {
      return own;
    }
    for (String e : own.split(File.pathSeparator)) {
      entries.add(e);
    }
    return String.join(File.pathSeparator, entries);
  }

  /** Waits for a line starting with {@code prefix}, skipping others; fails after {@code seconds}. */
  String await(String prefix, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = end - System.nanoTime();
      String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new BenchException("A child JVM printed no '" + prefix + "' line within " + seconds + " s");
      }
      if (line.equals(EOF)) {
        lines.add(EOF);
        throw new BenchException("A child JVM ended (exit " + exitCode() + ") before printing '" + prefix + "'");
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  private String exitCode() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** Waits for the child to end; returns its exit status. */
  int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new BenchException("A child JVM did not end within " + seconds + " s");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
