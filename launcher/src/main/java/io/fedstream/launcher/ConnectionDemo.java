package io.fedstream.launcher;

import io.fedstream.examples.connection.ConnectionExample;
import io.fedstream.node.NodeConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedstream demo connection}: XAIN's network module, a coordinator instructs N clients for a few rounds. */
@Command(name = "connection", mixinStandardHelpOptions = true,
    description = {"The instruction/response connection: a coordinator waits for N clients, sends each a train"
        + " instruction (a protobuf payload) per round and averages their responses; the clients consume instructions"
        + " and dispatch results until the coordinator closes."})
final class ConnectionDemo implements Callable<Integer> {

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
      description = "Rounds (default: ${DEFAULT-VALUE}).")
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
      out.println("Connection " + session.namespace() + ": 1 coordinator, " + clients + " clients, " + rounds
          + " rounds, on " + session.bootstrapServers());
      out.flush();
      NodeConfig config = NodeConfig.builder().bootstrapServers(session.bootstrapServers())
          .registryUrl(session.registryUrl()).namespace(session.namespace()).build();
      ConnectionExample.Report r = ConnectionExample.run(config, clients, rounds, out);
      out.println("Done: " + r.instructions() + " instructions answered; theta = " + ConnectionExample.format(r.theta()));
      return 0;
    }
  }
}
