package io.fedstream.examples.fedavg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How the training examples are split across clients, with a fixed seed: IID (a shuffled split
 * into near-equal parts) or non-IID by a Dirichlet draw per class (Hsu et al. 2019): for each
 * class, the shares of the K clients come from {@code Dir(alpha, ..., alpha)}, so a small
 * {@code alpha} gives each client few classes and a large one approaches IID.
 */
public final class Partition {

  /** The fewest examples a Dirichlet split gives a client; fewer and the draw is repeated. */
  static final int MIN_EXAMPLES = 10;

  private Partition() {
  }

  /**
   * An IID split.
   *
   * @param count number of examples
   * @param clients number of clients, from 1 to {@code count}
   * @param seed the seed
   * @return per client, the indices of its examples
   */
  public static int[][] iid(int count, int clients, long seed) {
    check(count, clients);
    int[] all = new int[count];
    for (int i = 0; i < count; i++) {
      all[i] = i;
    }
    shuffle(all, new SplittableRandom(seed));
    int[][] out = new int[clients][];
    for (int c = 0; c < clients; c++) {
      int from = (int) ((long) count * c / clients);
      int to = (int) ((long) count * (c + 1) / clients);
      out[c] = java.util.Arrays.copyOfRange(all, from, to);
      java.util.Arrays.sort(out[c]);
    }
    return out;
  }

  /**
   * A non-IID split by a Dirichlet draw per class. The draw is repeated (up to 1,000 times) until
   * every client holds at least {@value #MIN_EXAMPLES} examples, or as many as it can when there
   * are too few examples for that.
   *
   * @param labels the label of each example
   * @param classes number of classes
   * @param clients number of clients, from 1 to the number of examples
   * @param alpha the concentration, above 0
   * @param seed the seed
   * @return per client, the indices of its examples
   * @throws IllegalArgumentException if {@code alpha <= 0} or the counts do not fit
   */
  public static int[][] dirichlet(byte[] labels, int classes, int clients, double alpha, long seed) {
    check(labels.length, clients);
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("--alpha must be above 0, not " + alpha);
    }
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get(labels[i] & 0xff).add(i);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int floor = Math.min(MIN_EXAMPLES, labels.length / clients);
    int[][] best = null;
    for (int attempt = 0; attempt < 1000; attempt++) {
      List<List<Integer>> parts = new ArrayList<>();
      for (int k = 0; k < clients; k++) {
        parts.add(new ArrayList<>());
      }
      for (List<Integer> members : byClass) {
        int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
        shuffle(idx, random);
        double[] share = dirichlet(clients, alpha, random);
        int from = 0;
        double cumulative = 0;
        for (int k = 0; k < clients; k++) {
          cumulative += share[k];
          int to = k == clients - 1 ? idx.length : (int) Math.round(cumulative * idx.length);
          for (int i = from; i < Math.max(from, to); i++) {
            parts.get(k).add(idx[i]);
          }
          from = Math.max(from, to);
        }
      }
      int[][] out = new int[clients][];
      int smallest = Integer.MAX_VALUE;
      for (int k = 0; k < clients; k++) {
        out[k] = parts.get(k).stream().mapToInt(Integer::intValue).sorted().toArray();
        smallest = Math.min(smallest, out[k].length);
      }
      best = out;
      if (smallest >= floor) {
        break;
      }
    }
    return best;
  }

  /**
   * A short summary of a split, one line per client (the first {@code maxLines} clients): its
   * example count and the labels that make up at least 5% of its examples.
   *
   * @param parts the split
   * @param labels the labels
   * @param classes number of classes
   * @param maxLines most clients to list
   * @return the lines
   */
  public static List<String> summary(int[][] parts, byte[] labels, int classes, int maxLines) {
    List<String> lines = new ArrayList<>();
    for (int k = 0; k < parts.length && k < maxLines; k++) {
      int[] counts = new int[classes];
      for (int i : parts[k]) {
        counts[labels[i] & 0xff]++;
      }
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-10s %,7d examples, labels", clientId(k),
          parts[k].length));
      int present = 0;
      for (int c = 0; c < classes; c++) {
        if (counts[c] > 0) {
          present++;
        }
        if (parts[k].length > 0 && counts[c] * 20 >= parts[k].length) {
          sb.append(String.format(Locale.ROOT, " %d:%d%%", c, Math.round(100.0 * counts[c] / parts[k].length)));
        }
      }
      sb.append(String.format(Locale.ROOT, "  (%d of %d classes present)", present, classes));
      lines.add(sb.toString());
    }
    if (parts.length > maxLines) {
      lines.add("  ... and " + (parts.length - maxLines) + " more clients");
    }
    return lines;
  }

  /**
   * The node id of client {@code k} (0-based): {@code client-1}, {@code client-2}, ...
   *
   * @param k the client's index
   * @return its id
   */
  public static String clientId(int k) {
    return "client-" + (k + 1);
  }

  /** A draw from the symmetric Dirichlet distribution of dimension {@code n}. */
  static double[] dirichlet(int n, double alpha, SplittableRandom random) {
    double[] g = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      g[i] = gamma(alpha, random);
      sum += g[i];
    }
    if (sum <= 0) {
      g[random.nextInt(n)] = 1;
      sum = 1;
    }
    for (int i = 0; i < n; i++) {
      g[i] /= sum;
    }
    return g;
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang (2000), with the boost for shape below 1. */
  static double gamma(double shape, SplittableRandom random) {
    if (shape < 1) {
      double u = random.nextDouble();
      return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = gaussian(random);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static void check(int count, int clients) {
    if (clients < 1 || clients > count) {
      throw new IllegalArgumentException("cannot split " + count + " examples across " + clients + " clients");
    }
  }

  static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
