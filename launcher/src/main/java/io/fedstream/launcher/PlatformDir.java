package io.fedstream.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The layout of a data directory of the embedded platform, and the records {@code up} leaves in
 * it: one pid file per process under {@code run/}, one log per process under {@code logs/}, and
 * {@code fedstream.properties} with the addresses.
 */
final class PlatformDir {

  /** The processes of the embedded platform, in the order they are stopped. */
  enum Part {
    ROUTER("router"), REGISTRY("registry"), BROKER("broker");

    final String id;

    Part(String id) {
      this.id = id;
    }
  }

  static final String BOOTSTRAP = "bootstrap.servers";
  static final String REGISTRY_URL = "registry.url";
  static final String NAMESPACE = "namespace";
  static final String STARTED_AT = "started.at";
  static final String CONTROLLER_PORT = "controller.port";
  /** Set (to the client protocol, SASL_SSL) when the platform runs secured. */
  static final String SECURITY = "security.protocol";

  final Path root;

  PlatformDir(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The JVM option that marks a process as belonging to this data directory. */
  String marker() {
    return "-Dfedstream.data.dir=" + root;
  }

  Path stateFile() {
    return root.resolve("fedstream.properties");
  }

  Path pidFile(Part p) {
    return root.resolve("run").resolve(p.id + ".pid");
  }

  Path logFile(Part p) {
    // The registry writes its log into its own work directory.
    return p == Part.REGISTRY ? registryDir().resolve("registry.log") : root.resolve("logs").resolve(p.id + ".log");
  }

  Path registryDir() {
    return root.resolve("registry");
  }

  Path routerConfig() {
    return root.resolve("router").resolve("router.properties");
  }

  Path routerStateDir() {
    return root.resolve("router").resolve("state");
  }

  /** The recorded pid of a part, if any. */
  Optional<Long> pid(Part p) {
    try {
      return Files.isRegularFile(pidFile(p))
          ? Optional.of(Long.parseLong(Files.readString(pidFile(p)).trim()))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The live process of a part: its recorded pid is alive and, where the system shows command
   * lines, the process carries this directory's marker (so a recycled pid is not taken for ours).
   */
  Optional<ProcessHandle> process(Part p) {
    return pid(p).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).filter(this::isOurs);
  }

  boolean isOurs(ProcessHandle h) {
    return h.info().commandLine().map(c -> c.contains(marker()) || c.contains(root + "/")).orElse(true);
  }

  void writePid(Part p, long pid) {
    write(pidFile(p), Long.toString(pid));
  }

  void clearPid(Part p) {
    try {
      Files.deleteIfExists(pidFile(p));
    } catch (IOException e) {
      throw new LauncherException(LauncherException.FAILED, "cannot delete " + pidFile(p) + ": " + e.getMessage(), e);
    }
  }

  Properties readState() {
    Properties p = new Properties();
    if (Files.isRegularFile(stateFile())) {
      try (InputStream in = Files.newInputStream(stateFile())) {
        p.load(in);
      } catch (IOException e) {
        throw new LauncherException(LauncherException.FAILED, "cannot read " + stateFile() + ": " + e.getMessage(), e);
      }
    }
    return p;
  }

  void writeState(Properties state) {
    try {
      Files.createDirectories(root);
      try (OutputStream out = Files.newOutputStream(stateFile())) {
        state.store(out, "FedStream embedded platform, written by 'fedstream up'");
      }
    } catch (IOException e) {
      throw new LauncherException(LauncherException.FAILED, "cannot write " + stateFile() + ": " + e.getMessage(), e);
    }
  }

  void clearState() {
    try {
      Files.deleteIfExists(stateFile());
    } catch (IOException e) {
      throw new LauncherException(LauncherException.FAILED, "cannot delete " + stateFile() + ": " + e.getMessage(), e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LauncherException(LauncherException.FAILED, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
