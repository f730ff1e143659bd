package io.fedstream.bench;

/**
 * {@code nodes}: 10,000 virtual nodes hosted in one JVM (the SDK's node host): seconds until all
 * are present, one small broadcast-and-gather round, and the heap per idle node. FedStream only;
 * there is no plain counterpart.
 */
final class NodesWorkload extends Workload {

  @Override
  String name() {
    return "nodes";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) throws Exception {
    int nodes = size.pick(50, 1_000, 10_000);
    report.detail("size=" + size.label() + " nodes=" + nodes + " runs=" + runs);
    String sdkMissing = FedStream.sdkMissing();
    if (sdkMissing != null) {
      report.result("skipped reason=" + sdkMissing);
      return;
    }
    for (int run = 1; run <= runs; run++) {
      report.run("fedstream", run, FedStream.nodes(cluster, nodes));
    }
    report.medians();
    report.result("present_s=" + Report.num(report.median("fedstream", "present_s"))
        + " round_s=" + Report.num(report.median("fedstream", "round_s"))
        + " idle_kib_per_node=" + Report.num(report.median("fedstream", "idle_kib_per_node")));
  }
}
