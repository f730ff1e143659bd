package io.fedstream.examples.fedavg;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The messaging a FedAvg participant needs: the client/server federation's {@code send} and
 * {@code receive}, with the message's args and one weights payload. {@link FedAvgServer} and
 * {@link FedAvgClient} are written against it; the demo's nodes give them their
 * {@code FederatedNode} through it ({@link FederatedEndpoint}), and unit tests an in-memory exchange.
 */
public interface Endpoint {

  /** This participant's id. */
  String id();

  /**
   * Sends a message.
   *
   * @param to the destination's id
   * @param header what the message is ({@code train}, {@code update}, {@code stop})
   * @param args JSON-like values: strings, numbers, booleans, lists and maps of them
   * @param weights the model's parameters (they travel as little-endian float32), or null
   */
  void send(String to, String header, Map<String, Object> args, float[] weights);

  /**
   * The next message, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait; zero or negative polls
   * @return the message, or null when none came in time
   * @throws RuntimeException when the participant is being stopped (the federation ended)
   */
  Received receive(Duration timeout);

  /**
   * A message received.
   *
   * @param from the sender's id
   * @param header what the message is
   * @param args its args
   * @param weights the parameters it carries, or null
   * @param timestamp when it was sent
   */
  record Received(String from, String header, Map<String, Object> args, float[] weights, Instant timestamp) {

    /** An int arg, or {@code fallback} when absent. */
    public int intArg(String key, int fallback) {
      Object v = args.get(key);
      return v instanceof Number n ? n.intValue() : v instanceof String s ? Integer.parseInt(s) : fallback;
    }

    /** A long arg, or {@code fallback} when absent. */
    public long longArg(String key, long fallback) {
      Object v = args.get(key);
      return v instanceof Number n ? n.longValue() : v instanceof String s ? Long.parseLong(s) : fallback;
    }

    /** A double arg, or {@code fallback} when absent. */
    public double doubleArg(String key, double fallback) {
      Object v = args.get(key);
      return v instanceof Number n ? n.doubleValue() : v instanceof String s ? Double.parseDouble(s) : fallback;
    }
  }
}
