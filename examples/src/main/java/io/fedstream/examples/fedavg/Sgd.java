package io.fedstream.examples.fedavg;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Mini-batch stochastic gradient descent over examples held as unsigned bytes, and evaluation.
 * The same code trains a FedAvg client's local epochs and the centralised reference.
 */
public final class Sgd {

  private static final float PIXEL = 1f / 255f;

  private Sgd() {
  }

  /**
   * What local training did.
   *
   * @param loss mean training loss over the last epoch (measured on each batch before its step)
   * @param examples examples per epoch
   * @param steps gradient steps taken
   */
  public record Result(double loss, int examples, int steps) {
  }

  /**
   * Trains {@code params} in place: {@code epochs} passes over {@code examples} in a fresh order
   * each epoch (drawn from {@code seed}), one step of {@code -lr * gradient} per batch.
   *
   * @param model the model
   * @param params the parameters, updated in place
   * @param x pixels of all examples, {@code model.inputs()} bytes each
   * @param y labels of all examples
   * @param examples which examples to train on (indices into {@code y}; not changed)
   * @param epochs passes, at least 1
   * @param batch batch size, at least 1 (the last batch of an epoch may be smaller)
   * @param lr learning rate
   * @param seed seed of the example order
   * @return the last epoch's mean loss
   * @throws IllegalArgumentException if {@code examples} is empty or epochs/batch are below 1
   */
  public static Result train(Model model, float[] params, byte[] x, byte[] y, int[] examples, int epochs, int batch,
      float lr, long seed) {
    if (examples.length == 0 || epochs < 1 || batch < 1) {
      throw new IllegalArgumentException("need examples, epochs >= 1 and batch >= 1");
    }
    int d = model.inputs();
    int[] order = examples.clone();
    SplittableRandom random = new SplittableRandom(seed);
    float[] bx = new float[batch * d];
    int[] by = new int[batch];
    float[] grad = new float[model.size()];
    double epochLoss = 0;
    int steps = 0;
    for (int e = 0; e < epochs; e++) {
      shuffle(order, random);
      epochLoss = 0;
      for (int from = 0; from < order.length; from += batch) {
        int n = Math.min(batch, order.length - from);
        for (int i = 0; i < n; i++) {
          int ex = order[from + i];
          toFloats(x, ex * d, bx, i * d, d);
          by[i] = y[ex] & 0xff;
        }
        epochLoss += model.lossAndGradient(params, bx, by, n, grad) * n;
        for (int p = 0; p < params.length; p++) {
          params[p] -= lr * grad[p];
        }
        steps++;
      }
    }
    return new Result(epochLoss / order.length, order.length, steps);
  }

  /**
   * Loss and accuracy of {@code params} on every example of {@code x}/{@code y}, on all cores.
   *
   * @param model the model
   * @param params the parameters (read only)
   * @param x pixels
   * @param y labels
   * @return {@code {mean loss, accuracy}}
   */
  public static double[] evaluate(Model model, float[] params, byte[] x, byte[] y) {
    int d = model.inputs();
    int n = y.length;
    int chunk = 1000;
    int chunks = (n + chunk - 1) / chunk;
    double[][] parts = IntStream.range(0, chunks).parallel().mapToObj(c -> {
      int from = c * chunk;
      int to = Math.min(n, from + chunk);
      float[] row = new float[d];
      float[] scores = new float[model.classes()];
      double loss = 0;
      int correct = 0;
      for (int i = from; i < to; i++) {
        toFloats(x, i * d, row, 0, d);
        model.scores(params, row, 0, scores);
        int best = 0;
        for (int k = 1; k < scores.length; k++) {
          if (scores[k] > scores[best]) {
            best = k;
          }
        }
        int label = y[i] & 0xff;
        if (best == label) {
          correct++;
        }
        loss += Model.softmaxLoss(scores, label);
      }
      return new double[] {loss, correct};
    }).toArray(double[][]::new);
    double loss = 0;
    double correct = 0;
    for (double[] p : parts) {
      loss += p[0];
      correct += p[1];
    }
    return new double[] {loss / n, correct / n};
  }

  private static void toFloats(byte[] src, int from, float[] dst, int to, int len) {
    for (int i = 0; i < len; i++) {
      dst[to + i] = (src[from + i] & 0xff) * PIXEL;
    }
  }

  private static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
