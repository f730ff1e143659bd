package io.fedstream.examples.federation;

import io.fedstream.federation.FederatedMessage;
import io.fedstream.federation.FederatedNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * FedRay's {@code MessagingServer}: waits for a message and replies to its sender. The tutorial
 * loops forever; this one returns once every client has said it is done, which ends the federation.
 */
public class MessagingServer extends FederatedNode {

  /**
   * The server's training: answer every message to its sender.
   *
   * @param outMsg the reply, from this node's id (the tutorial's {@code out_msg} lambda)
   * @param transcript where the node prints what it received
   * @return how many messages it answered
   */
  public int train(Function<String, String> outMsg, Transcript transcript) {
    Set<String> finished = new HashSet<>();
    int answered = 0;
    while (finished.size() < clientIds().size()) {
      // Wait for a message
      FederatedMessage msg = receive();
      if (msg.header().equals("done")) {
        finished.add(msg.senderId());
        continue;
      }

      // Print the message
      transcript.print(id(), msg);

      // Send a reply to the client that sent the message
      send("exchange", Map.of("msg", outMsg.apply(id()), "round", msg.get("round")), msg.senderId());
      answered++;
    }
    return answered;
  }
}
