package io.fedstream.examples.fedavg;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A perceptron with one hidden ReLU layer: {@code softmax(relu(x W1 + b1) W2 + b2)}. Parameters,
 * flat and row-major: {@code W1} ({@code inputs x hidden}), {@code b1}, {@code W2}
 * ({@code hidden x classes}), {@code b2}. Weights start uniform in {@code ±sqrt(6 / fan_in)}
 * (He), biases at zero.
 *
 * <p>The loops run over contiguous rows of {@code hidden} floats, which the JIT vectorises, and
 * skip zero inputs (about half of a Fashion-MNIST image).
 */
final class Mlp implements Model {

  private final int d;
  private final int h;
  private final int k;
  private final int b1;
  private final int w2;
  private final int b2;

  Mlp(int inputs, int hidden, int classes) {
    if (inputs < 1 || hidden < 1 || classes < 2) {
      throw new IllegalArgumentException("an MLP needs at least 1 input, 1 hidden unit and 2 classes");
    }
    this.d = inputs;
    this.h = hidden;
    this.k = classes;
    this.b1 = d * h;
    this.w2 = b1 + h;
    this.b2 = w2 + h * k;
  }

  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "MLP %d-%d-%d, ReLU (%,d parameters)", d, h, k, size());
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
    return b2 + k;
  }

  @Override
  public float[] init(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] w = new float[size()];
    Model.uniform(w, 0, b1, Math.sqrt(6.0 / d), random);
    Model.uniform(w, w2, b2, Math.sqrt(6.0 / h), random);
    return w;
  }

  @Override
  public double lossAndGradient(float[] w, float[] x, int[] y, int n, float[] grad) {
    Arrays.fill(grad, 0f);
    float[] hid = new float[h];
    float[] dh = new float[h];
    float[] p = new float[k];
    double loss = 0;
    for (int i = 0; i < n; i++) {
      int row = i * d;
      hidden(w, x, row, hid);
      output(w, hid, p);
      loss += Model.softmaxLoss(p, y[i]);
      p[y[i]] -= 1f;
      // Output layer: dW2 = hid^T p, db2 = p, dh = W2 p masked by the ReLU.
      for (int j = 0; j < h; j++) {
        float hj = hid[j];
        int base = w2 + j * k;
        float back = 0f;
        for (int c = 0; c < k; c++) {
          grad[base + c] += hj * p[c];
          back += w[base + c] * p[c];
        }
        dh[j] = hj > 0f ? back : 0f;
      }
      for (int c = 0; c < k; c++) {
        grad[b2 + c] += p[c];
      }
      // Hidden layer: dW1 = x^T dh, db1 = dh.
      for (int q = 0; q < d; q++) {
        float xq = x[row + q];
        if (xq != 0f) {
          int base = q * h;
          for (int j = 0; j < h; j++) {
            grad[base + j] += xq * dh[j];
          }
        }
      }
      for (int j = 0; j < h; j++) {
        grad[b1 + j] += dh[j];
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
    float[] hid = new float[h];
    hidden(w, x, offset, hid);
    output(w, hid, scores);
  }

  private void hidden(float[] w, float[] x, int row, float[] hid) {
    System.arraycopy(w, b1, hid, 0, h);
    for (int q = 0; q < d; q++) {
      float xq = x[row + q];
      if (xq != 0f) {
        int base = q * h;
        for (int j = 0; j < h; j++) {
          hid[j] += xq * w[base + j];
        }
      }
    }
    for (int j = 0; j < h; j++) {
      if (hid[j] < 0f) {
        hid[j] = 0f;
      }
    }
  }

  private void output(float[] w, float[] hid, float[] out) {
    System.arraycopy(w, b2, out, 0, k);
    for (int j = 0; j < h; j++) {
      float hj = hid[j];
      if (hj != 0f) {
        int base = w2 + j * k;
        for (int c = 0; c < k; c++) {
          out[c] += hj * w[base + c];
        }
      }
    }
  }
}
