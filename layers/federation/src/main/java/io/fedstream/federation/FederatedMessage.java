package io.fedstream.federation;

import io.fedstream.node.Message;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link FederatedNode#receive()} returns: FedRay's message, with the node message it came in.
 *
 * <p>The body is what the sender passed to {@code send}: a JSON-like value ({@code null},
 * Boolean, Long, Double, String, List, Map), or a {@code Map} whose entries may also be {@code
 * float[]}, {@code double[]}, {@code byte[]} or {@link io.fedstream.node.Payload} (see {@link
 * FederatedNode#send(String, Object, String)} for how each arrives). Ints arrive as Long and
 * floats as Double, as in every FedStream message.
 *
 * @param senderId the id of the node that sent it
 * @param header the header (the message's tag)
 * @param body the body; may be null
 * @param timestamp when the sender created it
 * @param message the node message underneath, for what FedRay's message has not (ids, attributes)
 */
public record FederatedMessage(String senderId, String header, Object body, Instant timestamp, Message message) {

  /** Checks the required fields. */
  public FederatedMessage {
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /**
   * The body as a map, for bodies sent as maps (FedRay's {@code msg.body['msg']}).
   *
   * @throws FederationException {@code BAD_ARGUMENTS} if the body is not a map
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> bodyMap() {
    if (body instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new FederationException(FederationException.BAD_ARGUMENTS,
        "the body of '" + header + "' from " + senderId + " is not a map but " + (body == null ? "null" : body.getClass()
            .getSimpleName()));
  }

  /** One entry of a map body ({@link #bodyMap()}{@code .get(key)}). */
  public Object get(String key) {
    return bodyMap().get(key);
  }
}
