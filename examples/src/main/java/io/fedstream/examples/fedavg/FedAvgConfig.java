package io.fedstream.examples.fedavg;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The settings of a FedAvg run, with the demo's defaults (docs/demo.md says why each).
 *
 * @param rounds communication rounds
 * @param clients K, the number of clients
 * @param fraction C, the fraction of clients sampled each round, in {@code (0, 1]}
 * @param epochs E, local epochs per round
 * @param batch B, local batch size
 * @param learningRate SGD's step size
 * @param iid true for an IID split, false for a Dirichlet split
 * @param alpha the Dirichlet concentration (non-IID only)
 * @param model {@code mlp} or {@code logreg}
 * @param hidden hidden units of the MLP
 * @param seed the seed of the split, the initial model, client sampling and local shuffles
 * @param stragglers how many clients are slow or dead in some rounds
 * @param release when a round stops waiting for updates
 */
public record FedAvgConfig(int rounds, int clients, double fraction, int epochs, int batch, double learningRate,
    boolean iid, double alpha, String model, int hidden, long seed, int stragglers, RoundRelease release) {

  /** The demo's defaults. */
  public static final FedAvgConfig DEFAULTS = new FedAvgConfig(20, 10, 0.5, 1, 32, 0.1, true, 0.5, "mlp", 100, 42, 0,
      new RoundRelease(0.6, 2.0, Duration.ofSeconds(60).toNanos()));

  /** Checks the values. */
  public FedAvgConfig {
    if (rounds < 1 || clients < 1 || epochs < 1 || batch < 1 || hidden < 1) {
      throw new IllegalArgumentException("--rounds, --clients, --epochs, --batch must be at least 1");
    }
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("--fraction must be in (0, 1], not " + fraction);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("--lr must be above 0, not " + learningRate);
    }
    if (!iid && !(alpha > 0)) {
      throw new IllegalArgumentException("--alpha must be above 0, not " + alpha);
    }
    if (stragglers < 0 || stragglers >= clients) {
      throw new IllegalArgumentException("--stragglers must be from 0 to clients - 1 (" + (clients - 1) + "), not "
          + stragglers);
    }
    model = model.toLowerCase(Locale.ROOT);
    if (!model.equals("mlp") && !model.equals("logreg")) {
      throw new IllegalArgumentException("--model must be mlp or logreg, not " + model);
    }
  }

  /** Clients sampled per round: {@code max(1, round(C * K))}. */
  public int perRound() {
    return Math.max(1, (int) Math.round(fraction * clients));
  }

  /**
   * The clients sampled in a round, a fixed function of the seed and the round.
   *
   * @param round the round, from 1
   * @return client indices (0-based), ascending
   */
  public int[] sample(int round) {
    int[] all = new int[clients];
    for (int i = 0; i < clients; i++) {
      all[i] = i;
    }
    Partition.shuffle(all, new SplittableRandom(seed * 1_000_003L + round));
    int[] out = java.util.Arrays.copyOf(all, perRound());
    java.util.Arrays.sort(out);
    return out;
  }

  /**
   * How the split is described: {@code IID} or {@code Dirichlet(alpha=0.5)}.
   *
   * @return the description
   */
  public String split() {
    return iid ? "IID" : String.format(Locale.ROOT, "non-IID, Dirichlet(alpha=%s)", alpha);
  }

  /**
   * The split of the training set across the clients.
   *
   * @param data the data set
   * @return per client, its example indices
   */
  public int[][] partition(Dataset data) {
    return iid ? Partition.iid(data.trainCount(), clients, seed)
        : Partition.dirichlet(data.trainY(), data.classes(), clients, alpha, seed);
  }

  /**
   * What each straggler does in which round: the first {@code stragglers} clients of a seeded
   * order are slow in the first round after round 1 that samples them, dead (no answer) in the
   * next one that samples them, and healthy again afterwards.
   *
   * @return per client index, a list of {@code round:mode} entries (empty for healthy clients)
   */
  public List<List<String>> stragglerPlan() {
    List<List<String>> plan = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      plan.add(new ArrayList<>());
    }
    int[] order = new int[clients];
    for (int i = 0; i < clients; i++) {
      order[i] = i;
    }
    Partition.shuffle(order, new SplittableRandom(seed + 17));
    for (int s = 0; s < stragglers; s++) {
      int k = order[s];
      String[] modes = {"slow", "dead"};
      int next = 0;
      for (int r = 2; r <= rounds && next < modes.length; r++) {
        for (int sampled : sample(r)) {
          if (sampled == k) {
            plan.get(k).add(r + ":" + modes[next++]);
            break;
          }
        }
      }
    }
    return plan;
  }
}
