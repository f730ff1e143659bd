package io.fedstream.launcher;

import io.fedstream.launcher.demo.MessagingFederation;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedstream demo messaging}: a server and N clients exchange messages for a few rounds. */
@Command(name = "messaging", mixinStandardHelpOptions = true,
    description = {"The client/server messaging tutorial: one server and N clients exchange messages through Kafka"
        + " for a few rounds; each node prints what it received, with the sender and the time it was sent."})
final class MessagingDemo implements Callable<Integer> {

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
      description = "Rounds each client sends (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--clients", paramLabel = "N", defaultValue = "3",
      description = "Number of clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Mixin
  DemoOptions demo;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (rounds < 1 || clients < 1) {
      throw new LauncherException(LauncherException.USAGE, "--rounds and --clients must be at least 1.");
    }
    try (DemoSession session = new DemoSession(demo, out)) {
      out.println("Federation " + session.namespace() + ": 1 server, " + clients + " clients, " + rounds + " rounds, on "
          + session.bootstrapServers());
      out.flush();
      MessagingFederation.Report r = MessagingFederation.builder()
          .bootstrapServers(session.bootstrapServers())
          .registryUrl(session.registryUrl())
          .namespace(session.namespace())
          .clients(clients)
          .rounds(rounds)
          .out(out)
          .build()
          .run();
      out.printf(Locale.ROOT, "Done: %d messages through %s in %.2f s; received: %s%n", r.messages(), r.topic(),
          r.took().toMillis() / 1000.0, r.receivedByNode().entrySet().stream().sorted(Map.Entry.comparingByKey())
              .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
      return 0;
    }
  }
}
