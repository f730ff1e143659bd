package io.fedstream.launcher;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The platform a demo runs on, for the length of the demo: an existing cluster
 * ({@code --bootstrap}/{@code --registry}), the embedded platform of {@code --data-dir} when it
 * runs, or an embedded platform started for this demo and stopped again by {@link #close()} (or by
 * a shutdown hook when the JVM is interrupted).
 */
public final class DemoSession implements AutoCloseable {

  private final PrintWriter out;
  private final PlatformDir dir;
  private final AtomicBoolean startedHere = new AtomicBoolean();
  private final Thread stopOnExit;
  private final String bootstrapServers;
  private final String registryUrl;
  private final String namespace;

  /**
   * Finds or starts the platform and checks that Kafka and the registry answer.
   *
   * @param options the demo's options
   * @param out where progress goes
   * @throws LauncherException with {@link LauncherException#USAGE} when only one of
   *     {@code --bootstrap}/{@code --registry} is given, or a failure when the platform cannot be
   *     reached or started
   */
  public DemoSession(DemoOptions options, PrintWriter out) {
    this.out = out;
    if ((options.bootstrap == null) != (options.registry == null)) {
      throw new LauncherException(LauncherException.USAGE,
          "--bootstrap and --registry go together: give both to use an existing cluster, or neither for the embedded platform.");
    }
    this.namespace = options.namespace();
    this.dir = options.platform.dir();
    this.stopOnExit = new Thread(() -> {
      if (startedHere.getAndSet(false)) {
        EmbeddedPlatform.down(dir);
      }
    }, "demo-stop-platform");
    String kafka = options.bootstrap;
    String reg = options.registry;
    try {
      if (kafka == null) {
        Optional<EmbeddedPlatform.Endpoints> running = EmbeddedPlatform.running(dir);
        if (running.isPresent()) {
          out.println("Using the embedded platform running in " + dir.root + ".");
          kafka = running.get().bootstrapServers();
          reg = running.get().registryUrl();
        } else {
          out.println("Starting the embedded platform in " + dir.root + " ...");
          out.flush();
          Runtime.getRuntime().addShutdownHook(stopOnExit);
          startedHere.set(true);
          EmbeddedPlatform.Started s = EmbeddedPlatform.up(options.platform.options());
          out.printf(Locale.ROOT, "Platform ready in %.1f s: Kafka %s, registry %s%n", s.took().toMillis() / 1000.0,
              s.endpoints().bootstrapServers(), s.endpoints().registryUrl());
          kafka = s.endpoints().bootstrapServers();
          reg = s.endpoints().registryUrl();
        }
      }
      Peers.requireKafka(kafka, Duration.ofSeconds(10), SecuredPlatform.operatorSettings(dir));
      Peers.requireRegistry(reg, Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.bootstrapServers = kafka;
    this.registryUrl = reg;
    out.flush();
  }

  /**
   * Kafka's bootstrap servers.
   *
   * @return {@code host:port[,host:port...]}
   */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The schema registry's Confluent-compatible URL.
   *
   * @return the URL
   */
  public String registryUrl() {
    return registryUrl;
  }

  /**
   * The namespace this demo runs in.
   *
   * @return the namespace
   */
  public String namespace() {
    return namespace;
  }

  /**
   * The platform's data directory (the embedded platform's, also when an existing cluster is used).
   *
   * @return the directory
   */
  public PlatformDir dir() {
    return dir;
  }

  /** Stops the embedded platform if this session started it; otherwise does nothing. */
  @Override
  public void close() {
    if (startedHere.getAndSet(false)) {
      out.println("Stopping the platform this demo started ...");
      out.flush();
      List<String> stopped = EmbeddedPlatform.down(dir);
      stopped.forEach(out::println);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // not registered, or the JVM is already shutting down
    }
    out.flush();
  }
}
