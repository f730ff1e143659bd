package io.fedstream.platform;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Confluent-compatible schema registry (Apicurio Registry 3, from its Maven Central
 * distribution) running as a child process on loopback.
 *
 * <p>Apicurio 3 needs a Java 21+ runtime; {@link JavaRuntimes#registryJava()} finds one (this JVM
 * when it is new enough, else {@code FEDSTREAM_REGISTRY_JAVA}, {@code JAVA_HOME} or the JDKs under
 * {@code /usr/lib/jvm}). Apicurio 2.6 runs on Java 17 but cannot register recursive Avro schemas,
 * and the envelope's {@code args} value is recursive. Only the Confluent-compatible API
 * ({@link #url()}) is used, so any registry speaking that API can stand in for it in production.
 *
 * <pre>{@code
 * try (EmbeddedRegistry registry = EmbeddedRegistry.builder().workDir(dir).start()) {
 *   String url = registry.url(); // http://127.0.0.1:<port>/apis/ccompat/v7
 * }
 * }</pre>
 */
public final class EmbeddedRegistry implements AutoCloseable {

  /** The path of the Confluent-compatible API under the registry's root. */
  public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  private final Process process;
  private final int port;
  private final Path log;

  private EmbeddedRegistry(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Returns a builder with the defaults stated on each of its methods. */
  public static Builder builder() {
    return new Builder();
  }

  /** The Confluent-compatible API base URL, such as {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
  public String url() {
    return url(port);
  }

  /** The Confluent-compatible API base URL of a registry listening on a loopback port. */
  public static String url(int port) {
    return "http://127.0.0.1:" + port + CCOMPAT_PATH;
  }

  /** The port the registry listens on. */
  public int port() {
    return port;
  }

  /** The process id of the registry. */
  public long pid() {
    return process.pid();
  }

  /** The registry's log file. */
  public Path log() {
    return log;
  }

  /**
   * Stops the registry: SIGTERM, up to 10 s to exit, then SIGKILL. Idempotent.
   */
  @Override
  public void close() {
    ChildJvm.stop(process.toHandle(), Duration.ofSeconds(10));
  }

  /**
   * The folder the build unpacked Apicurio's distribution to. The system property
   * {@code fedstream.registry.home} or the environment variable {@code FEDSTREAM_REGISTRY_HOME}
   * overrides it.
   *
   * @throws PlatformException {@code NOT_INSTALLED} when the folder has no runner jar
   */
  public static Path distribution() {
    String override = System.getProperty("fedstream.registry.home", System.getenv("FEDSTREAM_REGISTRY_HOME"));
    Path home;
    if (override != null && !override.isBlank()) {
      home = Path.of(override);
    } else {
      Properties p = new Properties();
      try (InputStream in = EmbeddedRegistry.class.getResourceAsStream("registry.properties")) {
        if (in == null) {
          throw new PlatformException(PlatformException.NOT_INSTALLED, "registry.properties is missing from broker-config; rebuild.");
        }
        p.load(in);
      } catch (IOException e) {
        throw new PlatformException(PlatformException.NOT_INSTALLED, "Cannot read registry.properties: " + e.getMessage(), e);
      }
      home = Path.of(p.getProperty("registry.home"));
    }
    runnerJar(home);
    return home;
  }

  private static Path runnerJar(Path home) {
    if (Files.isDirectory(home)) {
      try (Stream<Path> files = Files.list(home)) {
        var jar = files.filter(f -> f.getFileName().toString().equals("quarkus-run.jar")
            || f.getFileName().toString().endsWith("-runner.jar")).findFirst();
        if (jar.isPresent()) {
          return jar.get();
        }
      } catch (IOException e) {
        throw new PlatformException(PlatformException.NOT_INSTALLED, "Cannot list " + home + ": " + e.getMessage(), e);
      }
    }
    throw new PlatformException(PlatformException.NOT_INSTALLED, "No schema registry distribution in " + home
        + ". Build the project first (mvn -B package -DskipTests), or set FEDSTREAM_REGISTRY_HOME.");
  }

  /** Builds and starts an {@link EmbeddedRegistry}. */
  public static final class Builder {
    private int port;
    private Path workDir;
    private Path storageDir;
    private Duration readyTimeout = Duration.ofSeconds(90);
    private String maxHeap = "384m";

    private Builder() {
    }

    /** Port to listen on; default 0, a free port the OS picks. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Folder for the log file ({@code registry.log}); required. */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /**
     * Folder of the registry's database, so schemas survive a restart; default none: schemas are
     * kept in memory and lost when the registry stops (fine for tests).
     */
    public Builder storageDir(Path storageDir) {
      this.storageDir = storageDir;
      return this;
    }

    /** How long to wait for the registry to answer; default 90 s. */
    public Builder readyTimeout(Duration readyTimeout) {
      this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
      return this;
    }

    /** The registry JVM's maximum heap; default {@code 384m}. */
    public Builder maxHeap(String maxHeap) {
      this.maxHeap = Objects.requireNonNull(maxHeap, "maxHeap");
      return this;
    }

    /**
     * Starts the registry and waits until its Confluent API answers.
     *
     * @return the running registry
     * @throws IllegalStateException if no work dir was given
     * @throws PlatformException {@code PORT_IN_USE} naming the port, {@code NOT_INSTALLED} without a
     *     distribution, {@code START_FAILED} when it exits or is not ready within the timeout
     */
    public EmbeddedRegistry start() {
      if (workDir == null) {
        throw new IllegalStateException("workDir required.");
      }
      Path jar = runnerJar(distribution());
      Path java = JavaRuntimes.registryJava();
      int chosen = Ports.resolve(port, "schema registry");
      Path log = workDir.resolve("registry.log");
      List<String> command = new ArrayList<>(List.of(
          java.toString(),
          "-Xmx" + maxHeap,
          "-XX:TieredStopAtLevel=1",
          "-Dquarkus.http.host=127.0.0.1",
          "-Dquarkus.http.port=" + chosen,
          "-Dquarkus.log.console.color=false",
          // Quarkus also opens a management interface, by default on 0.0.0.0:9000, which a second
          // registry on the machine could not bind: keep it on loopback, on any free port.
          "-Dquarkus.management.host=127.0.0.1",
          "-Dquarkus.management.port=0"));
      if (storageDir != null) {
        command.add("-Dapicurio.datasource.url=jdbc:h2:file:" + storageDir.toAbsolutePath().resolve("registry"));
      }
      command.add("-jar");
      command.add(jar.toString());
      Process process;
      try {
        Files.createDirectories(workDir);
        if (storageDir != null) {
          Files.createDirectories(storageDir);
        }
        process = new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
      } catch (IOException e) {
        throw new PlatformException(PlatformException.START_FAILED, "Cannot start the schema registry: " + e.getMessage(), e);
      }
      EmbeddedRegistry registry = new EmbeddedRegistry(process, chosen, log);
      try {
        awaitReady(registry);
      } catch (RuntimeException e) {
        registry.close();
        throw e;
      }
      return registry;
    }

    private void awaitReady(EmbeddedRegistry registry) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      HttpRequest probe = HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
          .timeout(Duration.ofSeconds(2)).GET().build();
      long deadline = System.nanoTime() + readyTimeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!registry.process.isAlive()) {
          throw new PlatformException(PlatformException.START_FAILED, "The schema registry exited with code "
              + registry.process.exitValue() + " before it was ready. End of " + registry.log + ":\n"
              + ChildJvm.tail(registry.log, 20));
        }
        try {
          if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // Not listening yet.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PlatformException(PlatformException.START_FAILED, "Interrupted while waiting for the schema registry", e);
        }
        try {
          registry.process.waitFor(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PlatformException(PlatformException.START_FAILED, "Interrupted while waiting for the schema registry", e);
        }
      }
      throw new PlatformException(PlatformException.START_FAILED, "The schema registry did not answer on " + registry.url()
          + " within " + readyTimeout.toSeconds() + " s. End of " + registry.log + ":\n" + ChildJvm.tail(registry.log, 20));
    }
  }
}
