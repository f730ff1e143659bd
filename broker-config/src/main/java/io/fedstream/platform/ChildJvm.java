package io.fedstream.platform;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A Java program run as a child process of the current JVM: the broker, the router, the storage
 * tool. Output (stdout and stderr) goes to a log file; standard input is empty.
 *
 * <p>A <em>detached</em> child runs in its own session (via {@code setsid} where the system has it)
 * so that it outlives the process that started it and does not get the terminal's hang-up signal;
 * {@code fedstream up} starts its children this way and exits.
 */
public final class ChildJvm {

  private final List<String> command;
  private final Path logFile;

  private ChildJvm(Builder b) {
    this.logFile = b.logFile;
    List<String> cmd = new ArrayList<>();
    if (b.detached) {
      setsid().ifPresent(cmd::add);
    }
    cmd.add(b.java.toString());
    cmd.addAll(b.jvmOptions);
    cmd.add("-cp");
    cmd.add(b.classpath);
    cmd.add(b.mainClass);
    cmd.addAll(b.args);
    this.command = List.copyOf(cmd);
  }

  /**
   * Starts building a child JVM.
   *
   * @param mainClass the fully qualified main class
   * @return a builder; defaults: this JVM's {@code java} and class path, no options, not detached
   */
  public static Builder builder(String mainClass) {
    return new Builder(mainClass);
  }

  /** The full command line, as passed to the operating system. */
  public List<String> command() {
    return command;
  }

  /** The file that receives the child's output. */
  public Path logFile() {
    return logFile;
  }

  /**
   * Starts the process. Its output is appended to {@link #logFile()}.
   *
   * @return the running process
   * @throws PlatformException {@code START_FAILED} if the process cannot be started
   */
  public Process start() {
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      return pb.start();
    } catch (IOException e) {
      throw new PlatformException(PlatformException.START_FAILED,
          "cannot start " + command.get(command.size() > 1 ? 1 : 0) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops a process: SIGTERM, up to {@code grace} for it to exit, then SIGKILL and up to five more
   * seconds. Processes that are already gone are fine.
   *
   * @param process the process; must not be null
   * @param grace how long it may take to shut down cleanly
   * @return true when it exited within the grace period (a clean stop), false when it had to be killed
   */
  public static boolean stop(ProcessHandle process, Duration grace) {
    Objects.requireNonNull(process, "process");
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    if (awaitExit(process, grace)) {
      return true;
    }
    process.destroyForcibly();
    awaitExit(process, Duration.ofSeconds(5));
    return false;
  }

  /**
   * Waits until a process has exited.
   *
   * @param process the process
   * @param bound the longest wait
   * @return true if it exited within the bound
   */
  public static boolean awaitExit(ProcessHandle process, Duration bound) {
    try {
      process.onExit().get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    } catch (ExecutionException e) {
      return !process.isAlive();
    }
  }

  /**
   * The last lines of a log file, for error messages. Never throws: an unreadable file gives a note.
   *
   * @param file the log file
   * @param lines how many lines at most
   * @return the lines joined with newlines
   */
  public static String tail(Path file, int lines) {
    if (!Files.isReadable(file)) {
      return "(no output in " + file + ")";
    }
    Deque<String> last = new ArrayDeque<>();
    try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
      s.forEach(l -> {
        last.addLast(l);
        if (last.size() > lines) {
          last.removeFirst();
        }
      });
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
    return String.join(System.lineSeparator(), last);
  }

  private static java.util.Optional<String> setsid() {
    for (String p : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(p))) {
        return java.util.Optional.of(p);
      }
    }
    return java.util.Optional.empty();
  }

  /** Builds a {@link ChildJvm}; {@link #build()} checks the settings. */
  public static final class Builder {
    private final String mainClass;
    private Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private String classpath = System.getProperty("java.class.path");
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private Path logFile;
    private boolean detached;

    private Builder(String mainClass) {
      this.mainClass = mainClass;
    }

    /** The {@code java} executable; default: the one running this JVM. */
    public Builder java(Path java) {
      this.java = java;
      return this;
    }

    /** The class path; default: this JVM's {@code java.class.path}. */
    public Builder classpath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    /** Adds JVM options (before the main class), such as {@code -Xmx1g}. */
    public Builder jvmOptions(List<String> options) {
      this.jvmOptions.addAll(options);
      return this;
    }

    /** Adds program arguments (after the main class). */
    public Builder args(List<String> args) {
      this.args.addAll(args);
      return this;
    }

    /** The file that receives the output; required. */
    public Builder logFile(Path logFile) {
      this.logFile = logFile;
      return this;
    }

    /** Whether the child runs in its own session and outlives this JVM; default false. */
    public Builder detached(boolean detached) {
      this.detached = detached;
      return this;
    }

    /**
     * Checks the settings.
     *
     * @return the child JVM, not yet started
     * @throws PlatformException {@code BAD_CONFIG} naming the missing setting
     */
    public ChildJvm build() {
      if (mainClass == null || mainClass.isBlank()) {
        throw new PlatformException(PlatformException.BAD_CONFIG, "main class required.");
      }
      if (classpath == null || classpath.isBlank()) {
        throw new PlatformException(PlatformException.BAD_CONFIG, "class path required.");
      }
      if (logFile == null) {
        throw new PlatformException(PlatformException.BAD_CONFIG, "log file required.");
      }
      if (java == null || !Files.isExecutable(java)) {
        throw new PlatformException(PlatformException.BAD_CONFIG, "java executable not found: " + java);
      }
      return new ChildJvm(this);
    }
  }
}
