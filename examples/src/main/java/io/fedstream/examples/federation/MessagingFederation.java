package io.fedstream.examples.federation;

import io.fedstream.federation.ClientServerFederation;
import io.fedstream.federation.FederationException;
import io.fedstream.federation.TrainResult;
import io.fedstream.node.NodeConfig;
import io.fedstream.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * FedRay's "simple message-passing federation" tutorial, ported: a {@link MessagingServer} and N
 * {@link MessagingClient}s, built as a {@link ClientServerFederation} and run with {@code
 * train(serverArgs, clientArgs)}. {@code ./fedstream demo messaging} runs it.
 */
public final class MessagingFederation {

  /**
   * What a run did.
   *
   * @param namespace the namespace it ran in
   * @param topic the mailbox topic the messages went through
   * @param messages how many messages the nodes exchanged (the clients' "done" not counted)
   * @param receivedByNode how many each node received
   * @param took how long the run took, node start-up included
   */
  public record Report(String namespace, String topic, int messages, Map<String, Integer> receivedByNode,
      Duration took) {
  }

  private MessagingFederation() {
  }

  /**
   * Runs the tutorial: every client exchanges {@code rounds} messages with the server.
   *
   * @param config where the nodes connect (bootstrap servers, registry, namespace)
   * @param clients how many clients (1 or more)
   * @param rounds how many exchanges per client (1 or more)
   * @param deadline the most the whole run may take
   * @param out where the nodes print what they receive
   * @return what happened
   * @throws FederationException {@code NODE_FAILED} if a node failed, {@code TIMEOUT} if the run
   *     did not end within the deadline, {@code BAD_FEDERATION} for a client count below 1
   */
  public static Report run(NodeConfig config, int clients, int rounds, Duration deadline, PrintWriter out) {
    if (rounds < 1) {
      throw new FederationException(FederationException.BAD_ARGUMENTS, "rounds must be at least 1, was " + rounds);
    }
    Transcript transcript = new Transcript(out);
    // Create the federation
    ClientServerFederation federation = ClientServerFederation.builder()
        .config(config)
        .server(MessagingServer.class)                      // the server template
        .client(MessagingClient.class)                      // the client template
        .clients(clients)                                   // the number of clients
        .roles(java.util.Collections.nCopies(clients, "train")) // the roles of the clients
        .deadline(deadline)
        .build();

    // Run the federation: the keys match the names of the train parameters
    Function<String, String> hello = id -> "Hello from " + id;
    TrainResult result = federation.train(
        Map.of("outMsg", hello, "transcript", transcript),
        Map.of("outMsg", hello, "rounds", rounds, "transcript", transcript));
    if (result.outcome() != TrainResult.Outcome.COMPLETED) {
      throw new FederationException(FederationException.TIMEOUT, "the federation did not finish within " + deadline
          + " (" + result.outcome() + ")");
    }
    int answered = (Integer) result.serverResult();
    return new Report(config.namespace(), Topics.mailbox(config.namespace()), 2 * answered, transcript.received(),
        result.took());
  }
}
