package io.fedstream.examples.federation;

import io.fedstream.federation.FederatedMessage;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the messaging example's nodes print what they received (FedRay's {@code print}), one
 * line each, and how many each received. Thread-safe: every node prints from its own thread.
 */
public final class Transcript {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private final PrintWriter out;
  private final Map<String, Integer> received = new TreeMap<>();

  /**
   * A transcript printing to {@code out}.
   *
   * @param out where the lines go
   */
  public Transcript(PrintWriter out) {
    this.out = out;
  }

  /**
   * Prints {@code <now>  round <r>  <node> received "<msg>" from <sender> (sent <time>)}.
   *
   * @param node the receiving node's id
   * @param msg what it received (a map body with {@code msg} and {@code round})
   */
  public synchronized void print(String node, FederatedMessage msg) {
    Object round = msg.get("round");
    out.printf("%s  round %s  %-9s received \"%s\" from %-9s (sent %s)%n", TIME.format(Instant.now()), round, node,
        msg.get("msg"), msg.senderId(), TIME.format(msg.timestamp()));
    out.flush();
    received.merge(node, 1, Integer::sum);
  }

  /** How many messages each node received, by node id. */
  public synchronized Map<String, Integer> received() {
    return Map.copyOf(received);
  }
}
