package io.fedstream.examples.fedavg;

/**
 * When the server stops waiting for a round's updates: a gather policy whose deadline follows the
 * round's own progress rather than a fixed wall-clock budget. A pure function of what has arrived
 * and when, tested without a network.
 *
 * <ul>
 *   <li>Every sampled client answered: release at once.
 *   <li>The quorum ({@code ceil(minFraction * sampled)}, at least 1) answered after {@code tq}
 *       since the broadcast: wait for the others until {@code patience * tq}, then release
 *       without them. A round of fast clients gets a short deadline, a round of slow ones a long
 *       one; the deadline is set by the clients' measured progress.
 *   <li>The quorum is not reached and nothing has arrived for {@code stall} nanoseconds (a
 *       safety net for a federation that stopped making progress): release with what there is;
 *       with nothing, the round is skipped and the global model stays as it was.
 * </ul>
 *
 * @param minFraction the quorum as a fraction of the sampled clients, in {@code (0, 1]}
 * @param patience how many times the quorum's time the round waits for the rest, at least 1
 * @param stallNanos how long the round waits without any new update below the quorum
 */
public record RoundRelease(double minFraction, double patience, long stallNanos) {

  /** Checks the values. */
  public RoundRelease {
    if (!(minFraction > 0 && minFraction <= 1)) {
      throw new IllegalArgumentException("the quorum fraction must be in (0, 1], not " + minFraction);
    }
    if (!(patience >= 1)) {
      throw new IllegalArgumentException("patience must be at least 1, not " + patience);
    }
    if (stallNanos <= 0) {
      throw new IllegalArgumentException("the stall timeout must be positive");
    }
  }

  /**
   * The quorum of a round.
   *
   * @param sampled the clients sampled
   * @return {@code max(1, ceil(minFraction * sampled))}
   */
  public int quorum(int sampled) {
    return Math.max(1, (int) Math.ceil(minFraction * sampled - 1e-9));
  }

  /**
   * How long the server may still wait for updates, or 0 to release the round now.
   *
   * @param sampled clients sampled this round
   * @param answered updates gathered so far
   * @param now nanoseconds since the broadcast
   * @param quorumAt nanoseconds since the broadcast when the quorum was reached, or -1
   * @param lastUpdateAt nanoseconds since the broadcast of the latest update (0 before any)
   * @return nanoseconds left to wait, 0 to release
   */
  public long remaining(int sampled, int answered, long now, long quorumAt, long lastUpdateAt) {
    if (answered >= sampled) {
      return 0;
    }
    if (quorumAt >= 0) {
      long deadline = (long) Math.ceil(patience * Math.max(quorumAt, 1));
      return Math.max(0, deadline - now);
    }
    return Math.max(0, lastUpdateAt + stallNanos - now);
  }
}
