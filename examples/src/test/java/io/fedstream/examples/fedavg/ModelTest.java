package io.fedstream.examples.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelTest {

  @Test
  void logisticRegressionAtZeroHasLossLnKAndTheHandGradient() {
    Model m = Model.named("logreg", 2, 2, 0);
    float[] w = m.init(1);
    float[] grad = new float[m.size()];
    // One example x = (1, 2), label 0. Softmax of zero scores is (1/2, 1/2), so p - onehot = (-1/2, 1/2);
    // dW[j][c] = x_j (p_c - y_c), db = p - y.
    double loss = m.lossAndGradient(w, new float[] {1, 2}, new int[] {0}, 1, grad);
    assertEquals(Math.log(2), loss, 1e-6);
    assertArrayEquals(new float[] {-0.5f, 0.5f, -1f, 1f, -0.5f, 0.5f}, grad, 1e-6f);
  }

  @Test
  void lossOfKnownWeights() {
    // Scores of x = (1, 0) with W = [[2, 0], [0, 0]], b = (0, 0): (2, 0); loss for label 0 = ln(1 + e^-2).
    Model m = Model.named("logreg", 2, 2, 0);
    float[] w = {2, 0, 0, 0, 0, 0};
    double loss = m.lossAndGradient(w, new float[] {1, 0}, new int[] {0}, 1, new float[m.size()]);
    assertEquals(Math.log(1 + Math.exp(-2)), loss, 1e-6);
  }

  @Test
  void mlpGradientMatchesFiniteDifferences() {
    Model m = Model.named("mlp", 5, 3, 4);
    float[] w = m.init(7);
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[3 * 5];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    int[] y = {0, 2, 1};
    float[] grad = new float[m.size()];
    m.lossAndGradient(w, x, y, 3, grad);
    float[] scratch = new float[m.size()];
    double h = 1e-2;
    for (int p = 0; p < m.size(); p++) {
      float keep = w[p];
      w[p] = (float) (keep + h);
      double up = m.lossAndGradient(w, x, y, 3, scratch);
      w[p] = (float) (keep - h);
      double down = m.lossAndGradient(w, x, y, 3, scratch);
      w[p] = keep;
      assertEquals((up - down) / (2 * h), grad[p], 2e-3, "parameter " + p);
    }
  }

  @Test
  void mlpLearnsXorAndLogisticRegressionASeparableProblem() {
    // XOR is not linearly separable: only the hidden layer can fit it.
    byte[] xorX = {0, 0, (byte) 255, 0, 0, (byte) 255, (byte) 255, (byte) 255};
    byte[] xorY = {0, 1, 1, 0};
    Model mlp = Model.named("mlp", 2, 2, 8);
    float[] w = mlp.init(1);
    Sgd.train(mlp, w, xorX, xorY, new int[] {0, 1, 2, 3}, 2000, 4, 0.5f, 1);
    assertEquals(1.0, Sgd.evaluate(mlp, w, xorX, xorY)[1], "XOR accuracy");

    // Label = first pixel above the second.
    SplittableRandom r = new SplittableRandom(5);
    int n = 200;
    byte[] x = new byte[2 * n];
    byte[] y = new byte[n];
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      int a = r.nextInt(256);
      int b = r.nextInt(256);
      while (Math.abs(a - b) < 20) {
        b = r.nextInt(256);
      }
      x[2 * i] = (byte) a;
      x[2 * i + 1] = (byte) b;
      y[i] = (byte) (a > b ? 1 : 0);
      all[i] = i;
    }
    Model lr = Model.named("logreg", 2, 2, 0);
    float[] v = lr.init(1);
    Sgd.train(lr, v, x, y, all, 200, 10, 1f, 2);
    double[] eval = Sgd.evaluate(lr, v, x, y);
    assertTrue(eval[1] >= 0.99, "accuracy " + eval[1]);
    assertTrue(eval[0] < 0.2, "loss " + eval[0]);
  }
}
