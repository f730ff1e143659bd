package io.fedstream.bench;

final class NodesWorkload extends Workload {
  @Override
  String name() {
    return "nodes";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) {
    report.result("skipped reason=not-written");
  }
}
