package io.fedstream.examples.fedavg;

import java.util.List;
import java.util.Locale;

/**
 * What one FedAvg round did: one row of the table, of {@code metrics.json} and of
 * {@code metrics.csv}.
 *
 * @param round the round, from 1
 * @param sampled clients sampled
 * @param answered updates gathered (the others are {@code missing})
 * @param missing the sampled clients whose update did not make the round
 * @param trainLoss the gathered clients' mean local training loss, weighted by examples
 * @param testLoss the global model's loss on the test set after the round
 * @param testAccuracy the global model's accuracy on the test set after the round
 * @param bytesSent weight payload bytes the server sent this round
 * @param bytesReceived weight payload bytes the server received this round (late ones included)
 * @param roundSeconds the whole round: broadcast, gather, aggregation and evaluation
 * @param computeSeconds the slowest gathered client's local training time
 * @param messagingSeconds broadcast to last gathered update, minus {@code computeSeconds}
 */
public record RoundMetrics(int round, int sampled, int answered, List<String> missing, double trainLoss,
    double testLoss, double testAccuracy, long bytesSent, long bytesReceived, double roundSeconds,
    double computeSeconds, double messagingSeconds) {

  /** The table's header, matching {@link #row()}. */
  public static final String HEADER = String.format(Locale.ROOT, "%5s  %8s  %10s  %8s  %9s  %9s  %7s  %7s  %9s",
      "round", "answered", "train loss", "test acc", "sent", "received", "time", "compute", "messaging");

  /** Copies the list. */
  public RoundMetrics {
    missing = List.copyOf(missing);
  }

  /**
   * This round as a table row under {@link #HEADER}.
   *
   * @return the row
   */
  public String row() {
    return String.format(Locale.ROOT, "%5d  %8s  %10s  %8.4f  %9s  %9s  %6.2fs  %6.2fs  %8.2fs", round,
        answered + "/" + sampled, Double.isNaN(trainLoss) ? "-" : String.format(Locale.ROOT, "%.4f", trainLoss),
        testAccuracy, bytes(bytesSent), bytes(bytesReceived), roundSeconds, computeSeconds, messagingSeconds);
  }

  /**
   * A byte count for people: {@code 318.0 kB}, {@code 1.6 MB}.
   *
   * @param n bytes
   * @return the text
   */
  static String bytes(long n) {
    if (n < 1000) {
      return n + " B";
    }
    if (n < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
    }
    return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
  }
}
