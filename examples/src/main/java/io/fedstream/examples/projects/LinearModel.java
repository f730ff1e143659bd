package io.fedstream.examples.projects;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * The model the demo's sites train: {@code y = w x + b} by gradient descent on local data that
 * never leaves the site. Encoded as three doubles: w, b and the sample count (FedAvg's weight), or
 * for an evaluation the mean squared error in place of w.
 */
final class LinearModel {

  final double w;
  final double b;
  final double n;

  LinearModel(double w, double b, double n) {
    this.w = w;
    this.b = b;
    this.n = n;
  }

  static LinearModel zero() {
    return new LinearModel(0, 0, 0);
  }

  byte[] bytes() {
    return ByteBuffer.allocate(24).putDouble(w).putDouble(b).putDouble(n).array();
  }

  static LinearModel of(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    return new LinearModel(buf.getDouble(), buf.getDouble(), buf.getDouble());
  }

  /** A site's private data: {@code y = 3x + 0.5} plus noise, {@code n} points from its own range. */
  static double[][] data(long seed, int n, double from, double to) {
    Random r = new Random(seed);
    double[][] xy = new double[n][2];
    for (int i = 0; i < n; i++) {
      double x = from + (to - from) * r.nextDouble();
      xy[i][0] = x;
      xy[i][1] = 3 * x + 0.5 + r.nextGaussian() * 0.1;
    }
    return xy;
  }

  /** Full-batch gradient descent from this model. */
  LinearModel train(double[][] xy, int epochs, double lr) {
    double w1 = w;
    double b1 = b;
    for (int e = 0; e < epochs; e++) {
      double gw = 0;
      double gb = 0;
      for (double[] p : xy) {
        double err = w1 * p[0] + b1 - p[1];
        gw += err * p[0];
        gb += err;
      }
      w1 -= lr * 2 * gw / xy.length;
      b1 -= lr * 2 * gb / xy.length;
    }
    return new LinearModel(w1, b1, xy.length);
  }

  double mse(double[][] xy) {
    double s = 0;
    for (double[] p : xy) {
      double err = w * p[0] + b - p[1];
      s += err * err;
    }
    return s / xy.length;
  }

  /** FedAvg: the sample-weighted mean of the participants' models. */
  static LinearModel average(List<LinearModel> models) {
    double n = models.stream().mapToDouble(m -> m.n).sum();
    double w = models.stream().mapToDouble(m -> m.w * m.n).sum() / n;
    double b = models.stream().mapToDouble(m -> m.b * m.n).sum() / n;
    return new LinearModel(w, b, n);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "y = %.3f x + %.3f", w, b);
  }
}
