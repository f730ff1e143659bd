package io.fedstream.examples.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PartitionTest {

  private static byte[] labels(int n, int classes) {
    byte[] y = new byte[n];
    for (int i = 0; i < n; i++) {
      y[i] = (byte) (i % classes);
    }
    return y;
  }

  private static void assertEveryExampleOnce(int[][] parts, int n) {
    int[] seen = new int[n];
    for (int[] p : parts) {
      for (int i : p) {
        seen[i]++;
      }
    }
    int[] ones = new int[n];
    Arrays.fill(ones, 1);
    assertArrayEquals(ones, seen);
  }

  @Test
  void iidSplitsIntoNearEqualPartsWithEveryExampleOnce() {
    int[][] parts = Partition.iid(1003, 10, 42);
    assertEveryExampleOnce(parts, 1003);
    for (int[] p : parts) {
      assertTrue(p.length == 100 || p.length == 101, "size " + p.length);
    }
    assertArrayEquals(parts[3], Partition.iid(1003, 10, 42)[3], "the same seed, the same split");
  }

  @Test
  void dirichletKeepsEveryExampleOnceAndSkewsTheLabels() {
    byte[] y = labels(6000, 10);
    int[][] skewed = Partition.dirichlet(y, 10, 10, 0.1, 42);
    assertEveryExampleOnce(skewed, 6000);
    int[][] flat = Partition.dirichlet(y, 10, 10, 1000, 42);
    assertEveryExampleOnce(flat, 6000);
    assertTrue(dominantShare(skewed, y) > 0.6, "alpha 0.1: one class dominates a client");
    assertTrue(dominantShare(flat, y) < 0.2, "alpha 1000: close to IID");
    for (int[] p : skewed) {
      assertTrue(p.length >= Partition.MIN_EXAMPLES);
    }
    assertArrayEquals(skewed[0], Partition.dirichlet(y, 10, 10, 0.1, 42)[0], "the same seed, the same split");
  }

  private static double dominantShare(int[][] parts, byte[] y) {
    double sum = 0;
    for (int[] p : parts) {
      int[] c = new int[10];
      for (int i : p) {
        c[y[i]]++;
      }
      sum += (double) Arrays.stream(c).max().getAsInt() / p.length;
    }
    return sum / parts.length;
  }

  @Test
  void gammaHasItsMean() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (double shape : new double[] {0.5, 2.0}) {
      double sum = 0;
      for (int i = 0; i < 20000; i++) {
        sum += Partition.gamma(shape, r);
      }
      assertEquals(shape, sum / 20000, 0.05 * shape + 0.02);
    }
  }
}
