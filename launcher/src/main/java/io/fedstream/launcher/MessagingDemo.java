package io.fedstream.launcher;

import io.fedstream.examples.federation.MessagingFederation;
import io.fedstream.node.NodeConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedstream demo messaging}: FedRay's tutorial, a server and N clients exchange messages for a few rounds. */
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
    if (rounds < 1 || clients < 1 || clients > 100 || rounds > 1000) {
      throw new LauncherException(LauncherException.USAGE, "--rounds must be 1-1000 and --clients 1-100.");
    }
    try (DemoSession session = new DemoSession(demo, out)) {
      out.println("Federation " + session.namespace() + ": 1 server, " + clients + " clients, " + rounds + " rounds, on "
          + session.bootstrapServers());
      out.flush();
      NodeConfig config = NodeConfig.builder().bootstrapServers(session.bootstrapServers())
          .registryUrl(session.registryUrl()).namespace(session.namespace()).build();
      MessagingFederation.Report r = MessagingFederation.run(config, clients, rounds,
          Duration.ofSeconds(60 + 2L * rounds), out);
      out.printf(Locale.ROOT, "Done: %d messages through %s in %.2f s; received: %s%n", r.messages(), r.topic(),
          r.took().toMillis() / 1000.0, r.receivedByNode().entrySet().stream().sorted(Map.Entry.comparingByKey())
              .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
      return 0;
    }
  }
}
