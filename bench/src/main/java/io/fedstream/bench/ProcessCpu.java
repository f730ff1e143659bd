package io.fedstream.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU seconds this JVM has used (all threads, user and system). On a shared, loaded machine a
 * side's CPU seconds for the same work are steadier than its wall-clock time, so {@code large}
 * prints both.
 */
final class ProcessCpu {
  private ProcessCpu() {}

  /** CPU seconds used by this JVM so far, or NaN where the JVM does not tell. */
  static double seconds() {
    long ns = nanos();
    return ns < 0 ? Double.NaN : ns / 1e9;
  }

  /** CPU nanoseconds used by this JVM so far, or -1 where the JVM does not tell. */
  static long nanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1L;
  }
}
