package io.fedstream.examples.fedavg;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A FedAvg client's loop: wait for {@code train}, run E local epochs of SGD from the global
 * weights on its own examples, send the new weights back as {@code update}; until {@code stop}.
 * Written against {@link Endpoint}.
 *
 * <p>A straggler plan ({@code round:slow} or {@code round:dead}) makes it misbehave in given
 * rounds: slow answers after four times its compute time plus two seconds (past the server's
 * deadline), dead never answers that round. If several {@code train} messages are waiting, it
 * works on the newest only, as a client that comes back after a pause would.
 */
public final class FedAvgClient {

  private static final Duration WAIT = Duration.ofSeconds(1);

  private final Endpoint endpoint;
  private final Model model;
  private final Dataset data;
  private final int[] examples;
  private final Map<Integer, String> plan = new HashMap<>();

  /**
   * A client.
   *
   * @param endpoint its messaging
   * @param model the model
   * @param data the data set
   * @param examples this client's training examples
   * @param straggle entries {@code round:slow} or {@code round:dead}; empty for a healthy client
   * @throws IllegalArgumentException for a malformed plan entry
   */
  public FedAvgClient(Endpoint endpoint, Model model, Dataset data, int[] examples, List<String> straggle) {
    this.endpoint = endpoint;
    this.model = model;
    this.data = data;
    this.examples = examples.clone();
    for (String entry : straggle) {
      String[] p = entry.split(":");
      if (p.length != 2 || !(p[1].equals("slow") || p[1].equals("dead"))) {
        throw new IllegalArgumentException("straggler plan entry '" + entry + "' is not round:slow or round:dead");
      }
      plan.put(Integer.parseInt(p[0].trim()), p[1]);
    }
  }

  /**
   * Serves rounds until the server says {@code stop}.
   *
   * @return the number of rounds this client answered
   * @throws RuntimeException when the endpoint is stopped under it
   */
  public int run() {
    int answered = 0;
    Endpoint.Received pending = null;
    while (true) {
      Endpoint.Received m = pending != null ? pending : endpoint.receive(WAIT);
      pending = null;
      if (m == null) {
        continue;
      }
      if (m.header().equals("stop")) {
        return answered;
      }
      if (!m.header().equals("train")) {
        continue;
      }
      // Work on the newest instruction only: a client back from a pause skips rounds it missed.
      Endpoint.Received newer;
      while ((newer = endpoint.receive(Duration.ZERO)) != null) {
        if (newer.header().equals("stop")) {
          return answered;
        }
        if (newer.header().equals("train")) {
          m = newer;
        }
      }
      int round = m.intArg("round", -1);
      String mode = plan.get(round);
      if ("dead".equals(mode)) {
        continue;
      }
      long t0 = System.nanoTime();
      float[] w = m.weights();
      if (w == null || w.length != model.size()) {
        throw new IllegalArgumentException(endpoint.id() + ": 'train' carries " + (w == null ? "no" : w.length)
            + " weights; the model has " + model.size());
      }
      w = w.clone();
      Sgd.Result r = Sgd.train(model, w, data.trainX(), data.trainY(), examples, m.intArg("epochs", 1),
          m.intArg("batch", 32), (float) m.doubleArg("lr", 0.1), m.longArg("seed", round));
      long compute = System.nanoTime() - t0;
      if ("slow".equals(mode)) {
        pending = pause(TimeUnit.NANOSECONDS.toMillis(4 * compute) + 2000);
        if (pending != null && pending.header().equals("stop")) {
          return answered;
        }
      }
      Map<String, Object> args = new LinkedHashMap<>();
      args.put("round", round);
      args.put("examples", r.examples());
      args.put("loss", r.loss());
      args.put("computeNanos", compute);
      endpoint.send(m.from(), "update", args, w);
      answered++;
    }
  }

  /** Waits {@code millis}, keeping the newest message that arrives meanwhile. */
  private Endpoint.Received pause(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    Endpoint.Received kept = null;
    long left;
    while ((left = end - System.nanoTime()) > 0) {
      Endpoint.Received m = endpoint.receive(Duration.ofNanos(left));
      if (m != null && (kept == null || !kept.header().equals("stop"))) {
        kept = m;
      }
    }
    return kept;
  }
}
