package io.fedstream.bench;

import java.util.Arrays;

/** Recorded call latencies in nanoseconds, with nearest-rank percentiles in milliseconds. */
final class Latencies {
  private final long[] nanos;
  private int count;

  Latencies(int capacity) {
    this.nanos = new long[capacity];
  }

  void record(long n) {
    nanos[count++] = n;
  }

  int count() {
    return count;
  }

  /** The nearest-rank percentile {@code p} (0 < p <= 100) in milliseconds. */
  double percentileMs(double p) {
    if (count == 0) {
      throw new BenchException("No latencies were recorded.");
    }
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * count);
    return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
  }

  double meanMs() {
    long sum = 0;
    for (int i = 0; i < count; i++) {
      sum += nanos[i];
    }
    return sum / (double) count / 1e6;
  }
}
