package io.fedstream.launcher;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedstream up}: starts the embedded platform and returns once it is ready. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Start the embedded platform on 127.0.0.1: a Kafka broker (KRaft), a schema registry and the"
        + " router, each in its own JVM. Returns once all three are ready and leaves them running.",
        "With --secure: TLS and SCRAM for every client, ACLs for every action (docs/security.md).",
        "If the platform of this data directory already runs, says so and exits 0; if only part of it runs"
        + " (a process was killed), starts the missing parts on the recorded addresses and says which."})
final class UpCommand implements Callable<Integer> {

  @Mixin
  PlatformOptions platform;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    EmbeddedPlatform.Started s = EmbeddedPlatform.up(platform.options());
    if (!s.startedNow()) {
      out.println("FedStream is already running in " + s.endpoints().dataDir() + " (see 'fedstream status').");
    } else if (!s.repaired().isEmpty()) {
      List<PlatformDir.Part> order = List.of(PlatformDir.Part.BROKER, PlatformDir.Part.REGISTRY, PlatformDir.Part.ROUTER);
      List<String> started = order.stream().filter(s.repaired()::contains).map(p -> p.id).toList();
      List<String> running = order.stream().filter(p -> !s.repaired().contains(p)).map(p -> p.id).toList();
      out.printf(Locale.ROOT, "FedStream was partly running in %s: started the %s (ready in %.1f s); the %s %s"
          + " already running.%n", s.endpoints().dataDir(), String.join(" and the ", started),
          s.took().toMillis() / 1000.0, String.join(" and the ", running), running.size() == 1 ? "was" : "were");
    } else {
      out.printf(Locale.ROOT, "FedStream is up (ready in %.1f s: %s)%n", s.took().toMillis() / 1000.0,
          java.util.stream.Stream.of(PlatformDir.Part.BROKER, PlatformDir.Part.REGISTRY, PlatformDir.Part.ROUTER)
              .filter(s.readyAfter()::containsKey)
              .map(p -> String.format(Locale.ROOT, "%s %.1f s", p.id, s.readyAfter().get(p).toMillis() / 1000.0))
              .collect(Collectors.joining(", ")));
    }
    out.println("  bootstrap servers: " + s.endpoints().bootstrapServers());
    out.println("  schema registry:   " + s.endpoints().registryUrl());
    out.println("  data directory:    " + s.endpoints().dataDir());
    if (io.fedstream.platform.BrokerSecurity.isPrepared(s.endpoints().dataDir())) {
      java.nio.file.Path sec = s.endpoints().dataDir().resolve("security");
      out.println("  secured:           SASL_SSL, SCRAM-SHA-512, ACLs required; CA " + sec.resolve("ca.pem"));
      out.println("  operator settings: " + sec.resolve("admin.properties") + " (User:admin; keep private)");
      out.println("Add a site with: fedstream site add ID" + dataDirHint());
    }
    out.println("Stop it with: fedstream down" + dataDirHint());
    return 0;
  }

  private String dataDirHint() {
    return platform.dataDir.toString().equals(".fedstream") ? "" : " --data-dir " + platform.dataDir;
  }
}
