package io.fedstream.examples.fedavg;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The FedAvg server's rounds: sample clients, send them the global model, gather their updates
 * under the {@link RoundRelease} policy, average them by example count, evaluate on the test set.
 * Written against {@link Endpoint}, so it runs the same on the platform and in a unit test.
 *
 * <p>Messages: to a client {@code train} (args {@code round, epochs, batch, lr, seed, model,
 * shape}; the global weights as payload) and finally {@code stop}; from a client {@code update}
 * (args {@code round, examples, loss, computeNanos}; its weights as payload). An update for an
 * earlier round arrives from a straggler after its round was released: it is counted in the bytes
 * received and dropped.
 */
public final class FedAvgServer {

  /** What the server reports while it runs (the demo prints it). */
  public interface Listener {
    /** The round's broadcast went out. */
    default void broadcast(int round, int sampled) {
    }

    /** An update was gathered. */
    default void gathered(int round, int answered, int sampled, double elapsedSeconds) {
    }

    /** Something worth a line: a straggler left behind, a late update dropped. */
    default void note(String line) {
    }

    /** The round is over. */
    default void round(RoundMetrics metrics) {
    }
  }

  private static final Duration PROGRESS_TICK = Duration.ofMillis(250);

  private final Endpoint endpoint;
  private final FedAvgConfig config;
  private final Model model;
  private final Dataset test;
  private final List<String> clients;
  private final Listener listener;
  private float[] global;

  /**
   * A server.
   *
   * @param endpoint its messaging
   * @param config the run's settings
   * @param model the model
   * @param data the data set (the server uses its test part)
   * @param clients the client ids, index k being client k of the split
   * @param listener progress
   */
  public FedAvgServer(Endpoint endpoint, FedAvgConfig config, Model model, Dataset data, List<String> clients,
      Listener listener) {
    this.endpoint = endpoint;
    this.config = config;
    this.model = model;
    this.test = data;
    this.clients = List.copyOf(clients);
    this.listener = listener;
    this.global = model.init(config.seed());
  }

  /**
   * Runs every round, then tells every client to stop.
   *
   * @return one row per round
   */
  public List<RoundMetrics> run() {
    List<RoundMetrics> rows = new ArrayList<>();
    try {
      for (int r = 1; r <= config.rounds(); r++) {
        rows.add(round(r));
        listener.round(rows.get(rows.size() - 1));
      }
    } finally {
      for (String c : clients) {
        try {
          endpoint.send(c, "stop", Map.of(), null);
        } catch (RuntimeException e) {
          // The federation is already stopping (it ends the clients itself); keep the first failure.
        }
      }
    }
    return rows;
  }

  /** The global model after the last round. */
  public float[] global() {
    return global.clone();
  }

  private RoundMetrics round(int r) {
    long start = System.nanoTime();
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("round", r);
    args.put("epochs", config.epochs());
    args.put("batch", config.batch());
    args.put("lr", config.learningRate());
    args.put("seed", config.seed() * 7919 + r);
    args.put("model", model.name());
    args.put("size", model.size());
    Set<String> waiting = new LinkedHashSet<>();
    for (int k : config.sample(r)) {
      waiting.add(clients.get(k));
    }
    int sampled = waiting.size();
    for (String c : waiting) {
      endpoint.send(c, "train", args, global);
    }
    long sent = (long) Float.BYTES * global.length * sampled;
    listener.broadcast(r, sampled);

    RoundRelease policy = config.release();
    List<FedAvg.Update> updates = new ArrayList<>();
    double lossSum = 0;
    long received = 0;
    long slowestCompute = 0;
    long quorumAt = -1;
    long lastAt = 0;
    while (true) {
      long now = System.nanoTime() - start;
      long left = policy.remaining(sampled, updates.size(), now, quorumAt, lastAt);
      if (left <= 0) {
        break;
      }
      Endpoint.Received m = endpoint.receive(Duration.ofNanos(Math.min(left, PROGRESS_TICK.toNanos())));
      now = System.nanoTime() - start;
      if (m == null) {
        listener.gathered(r, updates.size(), sampled, now / 1e9);
        continue;
      }
      if (!m.header().equals("update")) {
        listener.note("ignored '" + m.header() + "' from " + m.from());
        continue;
      }
      if (m.weights() != null) {
        received += (long) Float.BYTES * m.weights().length;
      }
      int forRound = m.intArg("round", -1);
      if (forRound != r || !waiting.contains(m.from())) {
        listener.note("late update from " + m.from() + " for round " + forRound + " dropped");
        continue;
      }
      float[] w = m.weights();
      if (w == null || w.length != model.size()) {
        listener.note("update from " + m.from() + " dropped: it carries " + (w == null ? "no" : w.length)
            + " weights; the model has " + model.size());
        continue;
      }
      int examples = m.intArg("examples", 0);
      if (examples < 1) {
        listener.note("update from " + m.from() + " dropped: it counts no examples");
        continue;
      }
      waiting.remove(m.from());
      updates.add(new FedAvg.Update(w, examples));
      lossSum += m.doubleArg("loss", Double.NaN) * examples;
      slowestCompute = Math.max(slowestCompute, m.longArg("computeNanos", 0));
      lastAt = now;
      if (quorumAt < 0 && updates.size() >= policy.quorum(sampled)) {
        quorumAt = now;
      }
      listener.gathered(r, updates.size(), sampled, now / 1e9);
    }
    long gatheredAt = lastAt;
    if (!waiting.isEmpty()) {
      listener.note(String.format(java.util.Locale.ROOT, "round %d released without %s (%d of %d updates after %.2f s)",
          r, String.join(", ", waiting), updates.size(), sampled, (System.nanoTime() - start) / 1e9));
    }
    long examples = 0;
    for (FedAvg.Update u : updates) {
      examples += u.examples();
    }
    if (!updates.isEmpty()) {
      global = FedAvg.aggregate(updates);
    }
    double[] eval = Sgd.evaluate(model, global, test.testX(), test.testY());
    double roundSeconds = (System.nanoTime() - start) / 1e9;
    double compute = slowestCompute / 1e9;
    double messaging = Math.max(0, gatheredAt / 1e9 - compute);
    return new RoundMetrics(r, sampled, updates.size(), new ArrayList<>(waiting),
        examples == 0 ? Double.NaN : lossSum / examples, eval[0], eval[1], sent, received, roundSeconds, compute,
        messaging);
  }
}
