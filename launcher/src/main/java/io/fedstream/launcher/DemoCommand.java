package io.fedstream.launcher;

import io.fedstream.launcher.demo.MessagingFederation;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedstream demo}: a server and three clients exchange messages through the platform. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run a small federation: one server and N clients exchange messages through Kafka for a few"
        + " rounds; each node prints what it received, with the sender and the time it was sent.",
        "Without --bootstrap/--registry it uses the embedded platform of --data-dir, starting it first if it is"
        + " not running and stopping what it started at the end."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Use this Kafka cluster instead of the embedded platform (needs --registry).")
  String bootstrap;

  @Option(names = "--registry", paramLabel = "URL",
      description = "Confluent-compatible schema registry URL to use with --bootstrap, e.g. http://host:8080/apis/ccompat/v7.")
  String registry;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
      description = "Rounds each client sends (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--clients", paramLabel = "N", defaultValue = "3",
      description = "Number of clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--namespace", paramLabel = "NAME",
      description = "Namespace (federation) to run in; default: a new one per run, demo-<random>.")
  String namespace;

  @Mixin
  PlatformOptions platform;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if ((bootstrap == null) != (registry == null)) {
      throw new LauncherException(LauncherException.USAGE,
          "--bootstrap and --registry go together: give both to use an existing cluster, or neither for the embedded platform.");
    }
    if (rounds < 1 || clients < 1) {
      throw new LauncherException(LauncherException.USAGE, "--rounds and --clients must be at least 1.");
    }
    String ns = namespace != null ? namespace
        : "demo-" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
    String kafka = bootstrap;
    String registryUrl = registry;
    AtomicBoolean startedHere = new AtomicBoolean();
    PlatformDir dir = platform.dir();
    Thread stopOnExit = new Thread(() -> {
      if (startedHere.getAndSet(false)) {
        EmbeddedPlatform.down(dir);
      }
    }, "demo-stop-platform");
    try {
      if (kafka == null) {
        Optional<EmbeddedPlatform.Endpoints> running = EmbeddedPlatform.running(dir);
        if (running.isPresent()) {
          out.println("Using the embedded platform running in " + dir.root + ".");
          kafka = running.get().bootstrapServers();
          registryUrl = running.get().registryUrl();
        } else {
          out.println("Starting the embedded platform in " + dir.root + " ...");
          out.flush();
          Runtime.getRuntime().addShutdownHook(stopOnExit);
          startedHere.set(true);
          EmbeddedPlatform.Started s = EmbeddedPlatform.up(platform.options());
          out.printf(Locale.ROOT, "Platform ready in %.1f s: Kafka %s, registry %s%n", s.took().toMillis() / 1000.0,
              s.endpoints().bootstrapServers(), s.endpoints().registryUrl());
          kafka = s.endpoints().bootstrapServers();
          registryUrl = s.endpoints().registryUrl();
        }
      }
      Peers.requireKafka(kafka, Duration.ofSeconds(10));
      Peers.requireRegistry(registryUrl, Duration.ofSeconds(5));
      out.println("Federation " + ns + ": 1 server, " + clients + " clients, " + rounds + " rounds, on " + kafka);
      out.flush();
      MessagingFederation.Report r = MessagingFederation.builder()
          .bootstrapServers(kafka)
          .registryUrl(registryUrl)
          .namespace(ns)
          .clients(clients)
          .rounds(rounds)
          .out(out)
          .build()
          .run();
      out.printf(Locale.ROOT, "Done: %d messages through %s in %.2f s; received: %s%n", r.messages(), r.topic(),
          r.took().toMillis() / 1000.0, r.receivedByNode().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
              .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
      return 0;
    } finally {
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
}
