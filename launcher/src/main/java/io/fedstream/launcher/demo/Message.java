package io.fedstream.launcher.demo;

import java.time.Instant;
import java.util.Map;

/**
 * What a node of the demo receives, as in the client/server tutorial: who sent it, its body, when
 * it was sent, and the round it belongs to.
 *
 * @param senderId the sending node's id
 * @param body the message body (string values)
 * @param timestamp when the sender created it
 * @param round the exchange round, 1-based
 */
public record Message(String senderId, Map<String, String> body, Instant timestamp, int round) {

  /** Copies the body. */
  public Message {
    body = Map.copyOf(body);
  }
}
