package io.fedstream.examples.fedavg;

import io.fedstream.federation.FederatedMessage;
import io.fedstream.federation.FederatedNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link Endpoint} over a node of the client/server federation ({@link FederatedNode}): a
 * message's body is a map of its args plus the entry {@value #WEIGHTS}, a {@code float[]} that the
 * federation layer carries as a payload of little-endian float32 values
 * ({@code application/vnd.fedstream.float32-le}); docs/demo.md gives the wire format.
 */
final class FederatedEndpoint implements Endpoint {

  /** The body entry (and payload name) of the weights. */
  static final String WEIGHTS = "weights";

  private final FederatedNode node;

  FederatedEndpoint(FederatedNode node) {
    this.node = node;
  }

  @Override
  public String id() {
    return node.id();
  }

  @Override
  public void send(String to, String header, Map<String, Object> args, float[] weights) {
    Map<String, Object> body = new LinkedHashMap<>(args);
    if (weights != null) {
      body.put(WEIGHTS, weights);
    }
    node.send(header, body, to);
  }

  @Override
  public Received receive(Duration timeout) {
    Optional<FederatedMessage> m = node.poll(timeout.isNegative() ? Duration.ZERO : timeout);
    if (m.isEmpty()) {
      return null;
    }
    FederatedMessage msg = m.get();
    Map<String, Object> args = new LinkedHashMap<>();
    float[] weights = null;
    if (msg.body() instanceof Map<?, ?> body) {
      for (Map.Entry<?, ?> e : body.entrySet()) {
        if (WEIGHTS.equals(e.getKey())) {
          // Anything but float32 values (a client that sent another type) arrives as no weights: dropped with a note.
          weights = e.getValue() instanceof float[] f ? f : new float[0];
        } else {
          args.put(String.valueOf(e.getKey()), e.getValue());
        }
      }
    }
    return new Received(msg.senderId(), msg.header(), args, weights, msg.timestamp());
  }
}
