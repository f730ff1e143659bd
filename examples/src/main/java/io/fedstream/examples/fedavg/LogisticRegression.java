package io.fedstream.examples.fedavg;

import java.util.Arrays;
import java.util.Locale;

/**
 * Multinomial logistic regression: {@code softmax(x W + b)}. Parameters, flat: {@code W}
 * ({@code inputs x classes}, row-major) then {@code b}. Starts from zero weights.
 */
final class LogisticRegression implements Model {

  private final int d;
  private final int k;

  LogisticRegression(int inputs, int classes) {
    if (inputs < 1 || classes < 2) {
      throw new IllegalArgumentException("logistic regression needs at least 1 input and 2 classes");
    }
    this.d = inputs;
    this.k = classes;
  }

  @Override
  public String name() {
    return "logreg";
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "multinomial logistic regression %d-%d (%,d parameters)", d, k, size());
  }

  @Override
  public int inputs() {
    return d;
  }

  @Override
  public int classes() {
    return k;
  }

  @Override
  public int size() {
    return d * k + k;
  }

  @Override
  public float[] init(long seed) {
    return new float[size()];
  }

  @Override
  public double lossAndGradient(float[] w, float[] x, int[] y, int n, float[] grad) {
    Arrays.fill(grad, 0f);
    float[] p = new float[k];
    int bias = d * k;
    double loss = 0;
    for (int i = 0; i < n; i++) {
      int row = i * d;
      scores(w, x, row, p);
      loss += Model.softmaxLoss(p, y[i]);
      p[y[i]] -= 1f;
      for (int j = 0; j < d; j++) {
        float xj = x[row + j];
        if (xj != 0f) {
          int base = j * k;
          for (int c = 0; c < k; c++) {
            grad[base + c] += xj * p[c];
          }
        }
      }
      for (int c = 0; c < k; c++) {
        grad[bias + c] += p[c];
      }
    }
    float scale = 1f / n;
    for (int i = 0; i < grad.length; i++) {
      grad[i] *= scale;
    }
    return loss / n;
  }

  @Override
  public void scores(float[] w, float[] x, int offset, float[] scores) {
    System.arraycopy(w, d * k, scores, 0, k);
    for (int j = 0; j < d; j++) {
      float xj = x[offset + j];
      if (xj != 0f) {
        int base = j * k;
        for (int c = 0; c < k; c++) {
          scores[c] += xj * w[base + c];
        }
      }
    }
  }
}
