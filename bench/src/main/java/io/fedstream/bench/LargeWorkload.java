package io.fedstream.bench;

final class LargeWorkload extends Workload {
  @Override
  String name() {
    return "large";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) {
    report.result("skipped reason=not-written");
  }
}
