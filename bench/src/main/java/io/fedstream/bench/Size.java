package io.fedstream.bench;

import java.util.Locale;

/** How much work a workload does: {@code full} is the size the goals are stated for. */
enum Size {
  /** A few seconds per workload: the CI smoke test. */
  TINY,
  /** A reduced run that still shows the shape of the numbers. */
  SMALL,
  /** The sizes named in the benchmark's definition (2,000 calls, 1 GiB, 100 clients, ...). */
  FULL;

  static Size parse(String text) {
    try {
      return valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BenchException("Unknown size '" + text + "': use tiny, small or full.");
    }
  }

  /** Picks the value for this size. */
  <T> T pick(T tiny, T small, T full) {
    switch (this) {
      case TINY:
        return tiny;
      case SMALL:
        return small;
      default:
        return full;
    }
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
