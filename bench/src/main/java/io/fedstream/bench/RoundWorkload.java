package io.fedstream.bench;

final class RoundWorkload extends Workload {
  @Override
  String name() {
    return "round";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) {
    report.result("skipped reason=not-written");
  }
}
