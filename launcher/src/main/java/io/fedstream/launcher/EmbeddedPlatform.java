package io.fedstream.launcher;

import io.fedstream.launcher.PlatformDir.Part;
import io.fedstream.platform.BrokerSecurity;
import io.fedstream.platform.ChildJvm;
import io.fedstream.platform.EmbeddedBroker;
import io.fedstream.platform.EmbeddedRegistry;
import io.fedstream.platform.PlatformException;
import io.fedstream.platform.Ports;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * Starts, inspects and stops the embedded platform of one data directory: a Kafka broker, a schema
 * registry and the router, each in its own detached JVM on loopback.
 */
final class EmbeddedPlatform {

  /** The router's main class; see router-streams. */
  static final String ROUTER_MAIN = "io.fedstream.router.RouterMain";
  /** Default namespace of the embedded platform's router. */
  static final String DEFAULT_NAMESPACE = "demo";
  /** How long each part may take to become ready. */
  static final Duration READY_BOUND = Duration.ofSeconds(90);
  /** How long each part may take to stop cleanly before it is killed. */
  static final Duration STOP_GRACE = Duration.ofSeconds(30);

  /** What {@code up} was asked for. Ports: 0 picks a free one. */
  record Options(Path dataDir, int kafkaPort, int controllerPort, int registryPort, boolean secure) {
    Options(Path dataDir, int kafkaPort, int controllerPort, int registryPort) {
      this(dataDir, kafkaPort, controllerPort, registryPort, false);
    }
  }

  /** Where a running platform is. */
  record Endpoints(String bootstrapServers, String registryUrl, Path dataDir) {
  }

  /**
   * The outcome of {@code up}: the endpoints, whether this call started them, how long it took, and
   * the parts it started while the others were already running (empty unless it repaired a partly
   * running platform).
   */
  record Started(Endpoints endpoints, boolean startedNow, Duration took, Map<Part, Duration> readyAfter,
      java.util.Set<Part> repaired) {
    Started(Endpoints endpoints, boolean startedNow, Duration took, Map<Part, Duration> readyAfter) {
      this(endpoints, startedNow, took, readyAfter, java.util.Set.of());
    }
  }

  private EmbeddedPlatform() {
  }

  /** Live processes of the platform in {@code dir}, by part. */
  static Map<Part, ProcessHandle> live(PlatformDir dir) {
    Map<Part, ProcessHandle> live = new EnumMap<>(Part.class);
    for (Part p : Part.values()) {
      dir.process(p).ifPresent(h -> live.put(p, h));
    }
    return live;
  }

  /** The endpoints recorded by the last {@code up}, if the whole platform is running. */
  static Optional<Endpoints> running(PlatformDir dir) {
    if (live(dir).size() != Part.values().length) {
      return Optional.empty();
    }
    Properties s = dir.readState();
    return Optional.of(new Endpoints(s.getProperty(PlatformDir.BOOTSTRAP), s.getProperty(PlatformDir.REGISTRY_URL), dir.root));
  }

  /**
   * Starts the platform unless it already runs, and waits until all three parts are ready.
   *
   * <p>When only a part of it runs (the router was killed, say), starts the missing parts with the
   * addresses the last {@code up} recorded and leaves the running ones alone.
   *
   * @return the endpoints; {@code startedNow} is false when it was already running, and
   *     {@code repaired} names the parts started beside running ones
   * @throws LauncherException when a part runs but the recorded addresses are missing, or something
   *     fails to start (whatever this call started is stopped again)
   * @throws PlatformException {@code PORT_IN_USE} naming the port, before anything is started
   */
  static Started up(Options o) {
    PlatformDir dir = new PlatformDir(o.dataDir());
    Map<Part, ProcessHandle> live = live(dir);
    if (live.size() == Part.values().length) {
      return new Started(running(dir).orElseThrow(), false, Duration.ZERO, Map.of());
    }
    if (!live.isEmpty()) {
      return repair(dir, live);
    }
    long t0 = System.nanoTime();
    if (o.kafkaPort() != 0 && (o.kafkaPort() == o.controllerPort() || o.kafkaPort() == o.registryPort())
        || o.controllerPort() != 0 && o.controllerPort() == o.registryPort()) {
      throw new LauncherException(LauncherException.USAGE,
          "--kafka-port, --controller-port and --registry-port must be three different ports.");
    }
    // Check every port before starting anything, so a taken port costs nothing to clean up.
    int kafkaPort = Ports.resolve(o.kafkaPort(), "Kafka broker (--kafka-port)");
    int controller = Ports.resolve(o.controllerPort(), "Kafka controller (--controller-port)");
    while (controller == kafkaPort) {
      controller = Ports.resolve(0, "Kafka controller (--controller-port)");
    }
    int regPort = Ports.resolve(o.registryPort(), "schema registry (--registry-port)");
    while (regPort == kafkaPort || regPort == controller) {
      regPort = Ports.resolve(0, "schema registry (--registry-port)");
    }
    final int controllerPort = controller;
    final int registryPort = regPort;
    for (Part p : Part.values()) {
      dir.clearPid(p);
    }
    dir.clearState();

    BrokerSecurity security = SecuredPlatform.security(dir, o.secure());
    EmbeddedBroker broker = EmbeddedBroker.builder(dir.root)
        .kafkaPort(kafkaPort)
        .controllerPort(controllerPort)
        .readyTimeout(READY_BOUND)
        .detached(true)
        .security(security)
        .build();
    List<ProcessHandle> started = new ArrayList<>();
    // Interrupted (Ctrl-C) before everything is ready: stop what was started rather than leave half a platform.
    Thread abort = new Thread(() -> stopAll(dir, started), "fedstream-up-abort");
    Runtime.getRuntime().addShutdownHook(abort);
    Map<Part, Duration> readyAfter = java.util.Collections.synchronizedMap(new EnumMap<>(Part.class));
    try {
      CompletableFuture<EmbeddedRegistry> registry = CompletableFuture.supplyAsync(() -> {
        // Blocks until the registry answers; it stops its own process if it does not.
        EmbeddedRegistry r = EmbeddedRegistry.builder()
            .port(registryPort)
            .workDir(dir.registryDir())
            .storageDir(dir.registryDir().resolve("db"))
            .readyTimeout(READY_BOUND)
            .start();
        synchronized (started) {
          started.add(ProcessHandle.of(r.pid()).orElseThrow());
        }
        dir.writePid(Part.REGISTRY, r.pid());
        readyAfter.put(Part.REGISTRY, since(t0));
        return r;
      });
      CompletableFuture<ProcessHandle> routerReady = CompletableFuture.supplyAsync(() -> {
        broker.start();
        synchronized (started) {
          started.add(broker.process());
        }
        dir.writePid(Part.BROKER, broker.pid());
        if (security != null) {
          // Secured: the router's principal needs its ACLs before its first call, so it starts after them.
          broker.awaitReady();
          SecuredPlatform.grantRouter(broker.bootstrapServers(), security, DEFAULT_NAMESPACE);
        }
        // The router's JVM starts while the broker does: its first Admin calls wait (bounded) for the
        // broker, so its JVM start-up overlaps the broker's. It reaches the registry lazily.
        ProcessHandle router = startRouter(dir, broker.bootstrapServers(), EmbeddedRegistry.url(registryPort), security);
        synchronized (started) {
          started.add(router);
        }
        dir.writePid(Part.ROUTER, router.pid());
        broker.awaitReady();
        readyAfter.put(Part.BROKER, since(t0));
        awaitRouter(dir, router, READY_BOUND);
        readyAfter.put(Part.ROUTER, since(t0));
        return router;
      });
      CompletableFuture.allOf(registry, routerReady).join();
      Endpoints e = new Endpoints(broker.bootstrapServers(), registry.join().url(), dir.root);
      Properties state = new Properties();
      state.setProperty(PlatformDir.BOOTSTRAP, e.bootstrapServers());
      state.setProperty(PlatformDir.REGISTRY_URL, e.registryUrl());
      state.setProperty(PlatformDir.NAMESPACE, DEFAULT_NAMESPACE);
      state.setProperty(PlatformDir.STARTED_AT, Instant.now().toString());
      state.setProperty(PlatformDir.CONTROLLER_PORT, Integer.toString(controllerPort));
      if (security != null) {
        state.setProperty(PlatformDir.SECURITY, "SASL_SSL");
        SecuredPlatform.writeAdminConfig(dir, security);
      }
      dir.writeState(state);
      removeHook(abort);
      return new Started(e, true, since(t0), readyAfter);
    } catch (CompletionException e) {
      // allOf completes only once both sides are done, so nothing is still starting here.
      removeHook(abort);
      stopAll(dir, started);
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new LauncherException(LauncherException.FAILED, "FedStream did not start: " + c, c);
    } catch (RuntimeException e) {
      removeHook(abort);
      stopAll(dir, started);
      throw e;
    }
  }

  /**
   * Starts the parts of a partly running platform that are missing, on the addresses the last
   * {@code up} recorded, and waits until each is ready. What this starts is stopped again if any
   * part fails; the parts that were running are left alone.
   */
  private static Started repair(PlatformDir dir, Map<Part, ProcessHandle> live) {
    Properties state = dir.readState();
    String bootstrap = state.getProperty(PlatformDir.BOOTSTRAP);
    String registryUrl = state.getProperty(PlatformDir.REGISTRY_URL);
    String controller = state.getProperty(PlatformDir.CONTROLLER_PORT);
    java.util.Set<Part> missing = java.util.EnumSet.allOf(Part.class);
    missing.removeAll(live.keySet());
    if (bootstrap == null || registryUrl == null || missing.contains(Part.BROKER) && controller == null) {
      throw new LauncherException(LauncherException.FAILED, "FedStream is partly running in " + dir.root + " ("
          + live.keySet().stream().map(p -> p.id + " pid " + live.get(p).pid()).collect(Collectors.joining(", "))
          + ") and " + dir.stateFile() + " lacks the addresses to start the rest on; run 'fedstream down"
          + " --data-dir " + dir.root + "' first.");
    }
    long t0 = System.nanoTime();
    BrokerSecurity security = SecuredPlatform.security(dir, false); // as prepared by the first up, if secured
    Map<Part, Duration> readyAfter = new EnumMap<>(Part.class);
    List<ProcessHandle> started = new ArrayList<>();
    Thread abort = new Thread(() -> stopAll(dir, started, missing), "fedstream-up-abort");
    Runtime.getRuntime().addShutdownHook(abort);
    try {
      if (missing.contains(Part.REGISTRY)) {
        EmbeddedRegistry r = EmbeddedRegistry.builder()
            .port(java.net.URI.create(registryUrl).getPort())
            .workDir(dir.registryDir())
            .storageDir(dir.registryDir().resolve("db"))
            .readyTimeout(READY_BOUND)
            .start();
        started.add(ProcessHandle.of(r.pid()).orElseThrow());
        dir.writePid(Part.REGISTRY, r.pid());
        readyAfter.put(Part.REGISTRY, since(t0));
      }
      if (missing.contains(Part.BROKER)) {
        EmbeddedBroker broker = EmbeddedBroker.builder(dir.root)
            .kafkaPort(Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)))
            .controllerPort(Integer.parseInt(controller))
            .readyTimeout(READY_BOUND)
            .detached(true)
            .security(security)
            .build();
        broker.start();
        started.add(broker.process());
        dir.writePid(Part.BROKER, broker.pid());
        broker.awaitReady();
        readyAfter.put(Part.BROKER, since(t0));
      }
      if (missing.contains(Part.ROUTER)) {
        ProcessHandle router = startRouter(dir, bootstrap, registryUrl, security);
        started.add(router);
        dir.writePid(Part.ROUTER, router.pid());
        awaitRouter(dir, router, READY_BOUND);
        readyAfter.put(Part.ROUTER, since(t0));
      }
      removeHook(abort);
      return new Started(new Endpoints(bootstrap, registryUrl, dir.root), true, since(t0), readyAfter, missing);
    } catch (RuntimeException e) {
      removeHook(abort);
      stopAll(dir, started, missing);
      throw e;
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs and stops what was started
    }
  }

  /**
   * Stops every process of the platform in {@code dir}: the router first, then the registry and the
   * broker together; each gets SIGTERM and {@link #STOP_GRACE} before it is killed. Processes that
   * carry the directory's marker but whose pid file is lost are stopped too.
   *
   * @return what was stopped, one line per process; empty if nothing ran
   */
  static List<String> down(PlatformDir dir) {
    List<String> report = new ArrayList<>();
    Map<Part, ProcessHandle> live = live(dir);
    ProcessHandle router = live.get(Part.ROUTER);
    if (router != null) {
      report.add(stopLine(Part.ROUTER.id, router, ChildJvm.stop(router, STOP_GRACE)));
    }
    List<CompletableFuture<String>> rest = new ArrayList<>();
    for (Part p : List.of(Part.REGISTRY, Part.BROKER)) {
      ProcessHandle h = live.get(p);
      if (h != null) {
        rest.add(CompletableFuture.supplyAsync(() -> stopLine(p.id, h, ChildJvm.stop(h, STOP_GRACE))));
      }
    }
    rest.forEach(f -> report.add(f.join()));
    for (ProcessHandle stray : strays(dir)) {
      report.add(stopLine("stray process", stray, ChildJvm.stop(stray, STOP_GRACE)));
    }
    for (Part p : Part.values()) {
      dir.clearPid(p);
    }
    dir.clearState();
    try {
      Files.deleteIfExists(dir.routerStateDir().resolve("ready"));
    } catch (java.io.IOException e) {
      // a stale ready file is rewritten by the next router; nothing to do
    }
    return report;
  }

  /**
   * Java processes other than this one that belong to the data directory: they carry its marker,
   * or (the registry) name a file inside it on their command line.
   */
  static List<ProcessHandle> strays(PlatformDir dir) {
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self)
        .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .filter(h -> h.info().commandLine()
            .map(c -> c.contains(dir.marker()) || c.contains(dir.root + "/")).orElse(false))
        .collect(Collectors.toList());
  }

  private static String stopLine(String what, ProcessHandle h, boolean clean) {
    return "stopped " + what + " (pid " + h.pid() + ")" + (clean ? "" : " - it did not stop within "
        + STOP_GRACE.toSeconds() + " s and was killed");
  }

  /** Stops what a repair started and forgets those parts' pids; the running parts stay. */
  private static void stopAll(PlatformDir dir, List<ProcessHandle> started, java.util.Set<Part> parts) {
    List<ProcessHandle> copy;
    synchronized (started) {
      copy = new ArrayList<>(started);
    }
    java.util.Collections.reverse(copy);
    copy.forEach(h -> ChildJvm.stop(h, Duration.ofSeconds(10)));
    parts.forEach(dir::clearPid);
  }

  private static void stopAll(PlatformDir dir, List<ProcessHandle> started) {
    List<ProcessHandle> copy;
    synchronized (started) {
      copy = new ArrayList<>(started);
    }
    // Reverse start order: the router (started last) closes while the broker can still take its commit.
    java.util.Collections.reverse(copy);
    copy.forEach(h -> ChildJvm.stop(h, Duration.ofSeconds(10)));
    strays(dir).forEach(h -> ChildJvm.stop(h, Duration.ofSeconds(10)));
    for (Part p : Part.values()) {
      dir.clearPid(p);
    }
  }

  private static ProcessHandle startRouter(PlatformDir dir, String bootstrap, String registryUrl, BrokerSecurity security) {
    Properties conf = new Properties();
    if (security != null) {
      security.clientProperties(security.router()).forEach((k, v) -> conf.setProperty(k, v.toString()));
    }
    conf.setProperty("bootstrap.servers", bootstrap);
    conf.setProperty("fedstream.registry.url", registryUrl);
    conf.setProperty("fedstream.namespace", DEFAULT_NAMESPACE);
    conf.setProperty("state.dir", dir.routerStateDir().toString());
    StringBuilder text = new StringBuilder("# Written by 'fedstream up' on each start.\n");
    conf.stringPropertyNames().stream().sorted()
        .forEach(k -> text.append(k).append('=').append(conf.getProperty(k)).append('\n'));
    PlatformDir.write(dir.routerConfig(), text.toString());
    try {
      Files.deleteIfExists(dir.routerStateDir().resolve("ready"));
    } catch (java.io.IOException e) {
      throw new LauncherException(LauncherException.FAILED, "cannot clear " + dir.routerStateDir() + ": " + e.getMessage(), e);
    }
    return ChildJvm.builder(ROUTER_MAIN)
        .jvmOptions(List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", dir.marker()))
        .args(List.of("--config", dir.routerConfig().toString()))
        .logFile(dir.logFile(Part.ROUTER))
        .detached(true)
        .build()
        .start()
        .toHandle();
  }

  private static void awaitRouter(PlatformDir dir, ProcessHandle router, Duration bound) {
    Path ready = dir.routerStateDir().resolve("ready");
    long deadline = System.nanoTime() + bound.toNanos();
    while (!Files.exists(ready)) {
      if (!router.isAlive()) {
        throw new PlatformException(PlatformException.START_FAILED, "the router exited while starting. End of its log ("
            + dir.logFile(Part.ROUTER) + "):\n" + ChildJvm.tail(dir.logFile(Part.ROUTER), 25));
      }
      if (System.nanoTime() > deadline) {
        throw new PlatformException(PlatformException.START_FAILED, "the router did not report ready within "
            + bound.toSeconds() + " s; see " + dir.logFile(Part.ROUTER));
      }
      pause(50);
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis); // poll interval of a bounded wait
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException(LauncherException.FAILED, "interrupted");
    }
  }

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
