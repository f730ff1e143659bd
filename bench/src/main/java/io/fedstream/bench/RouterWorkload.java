package io.fedstream.bench;

final class RouterWorkload extends Workload {
  @Override
  String name() {
    return "router";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) {
    report.result("skipped reason=not-written");
  }
}
