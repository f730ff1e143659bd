package io.fedstream.bench;

/**
 * One benchmark: measures its FedStream side and its plain baseline(s) on the same broker in
 * the same run, prints details, and ends with exactly one {@code RESULT} line.
 */
abstract class Workload {

  /** The name used on the command line and in the {@code RESULT} line. */
  abstract String name();

  /** Whether the workload needs a broker (all but {@code up}, which starts its own platform). */
  boolean needsBroker() {
    return true;
  }

  /**
   * Runs the workload {@code runs} times, alternating sides, and prints the {@code RESULT}
   * line through {@code report.result}. {@code cluster} is null when {@link #needsBroker()} is false.
   */
  abstract void run(Cluster cluster, Size size, int runs, Report report) throws Exception;
}
