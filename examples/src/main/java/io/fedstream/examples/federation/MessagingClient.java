package io.fedstream.examples.federation;

import io.fedstream.federation.FederatedMessage;
import io.fedstream.federation.FederatedNode;
import java.util.Map;
import java.util.function.Function;

/**
 * FedRay's {@code MessagingClient}: sends a message to the server and waits for the reply, once a
 * round. The tutorial loops forever; this one stops after {@code rounds} and then tells the server
 * it is done, so that the demo ends.
 */
public class MessagingClient extends FederatedNode {

  /**
   * The client's training: FedRay's loop, bounded.
   *
   * @param outMsg the message to send, from this node's id (the tutorial's {@code out_msg} lambda)
   * @param rounds how many exchanges
   * @param transcript where the node prints what it received
   */
  public void train(Function<String, String> outMsg, int rounds, Transcript transcript) {
    for (int round = 1; round <= rounds; round++) {
      // Send a message to the server (a client's send needs no destination)
      send("exchange", Map.of("msg", outMsg.apply(id()), "round", round));

      // Wait for a reply
      FederatedMessage msg = receive();

      // Print the reply
      transcript.print(id(), msg);
    }
    send("done", null);
  }
}
