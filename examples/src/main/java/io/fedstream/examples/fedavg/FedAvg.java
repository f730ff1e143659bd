package io.fedstream.examples.fedavg;

import java.util.List;

/**
 * Federated averaging's aggregation (McMahan et al. 2017): the new global model is the mean of
 * the clients' models weighted by the number of examples each trained on,
 * {@code w = sum_k (n_k / n) w_k}. A pure function of the updates, tested without a network.
 */
public final class FedAvg {

  private FedAvg() {
  }

  /**
   * One client's update.
   *
   * @param weights the client's model after local training
   * @param examples the number of examples it trained on (per epoch), at least 1
   */
  public record Update(float[] weights, int examples) {
  }

  /**
   * The example-weighted mean of the updates, summed in double precision.
   *
   * @param updates at least one update; all of the same length
   * @return the new global weights
   * @throws IllegalArgumentException if there is no update, lengths differ, or a count is below 1
   */
  public static float[] aggregate(List<Update> updates) {
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("FedAvg needs at least one update");
    }
    int size = updates.get(0).weights().length;
    long total = 0;
    for (Update u : updates) {
      if (u.weights().length != size) {
        throw new IllegalArgumentException("updates differ in size: " + size + " and " + u.weights().length);
      }
      if (u.examples() < 1) {
        throw new IllegalArgumentException("an update must count at least one example, not " + u.examples());
      }
      total += u.examples();
    }
    double[] sum = new double[size];
    for (Update u : updates) {
      double share = (double) u.examples() / total;
      float[] w = u.weights();
      for (int i = 0; i < size; i++) {
        sum[i] += share * w[i];
      }
    }
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = (float) sum[i];
    }
    return out;
  }
}
