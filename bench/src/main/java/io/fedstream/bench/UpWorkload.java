package io.fedstream.bench;

final class UpWorkload extends Workload {
  @Override
  String name() {
    return "up";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) {
    report.result("skipped reason=not-written");
  }
}
