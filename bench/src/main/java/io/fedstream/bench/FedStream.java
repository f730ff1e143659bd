package io.fedstream.bench;

/**
 * The FedStream sides of the workloads. Until the node SDK and the router are merged into this
 * branch, each says why it cannot run, and its workload prints {@code RESULT <name> skipped}.
 */
final class FedStream {
  private FedStream() {}

  /** Null when the node SDK can be used, else the reason to print. */
  static String sdkMissing() {
    return "sdk-not-merged";
  }

  /** Null when the router can be used, else the reason to print. */
  static String routerMissing() {
    return "router-not-merged";
  }

  static RrWorkload.Peer rrPeer(Cluster cluster) {
    throw notMerged();
  }

  static java.util.Map<String, Double> oneway(Cluster cluster, int messages, int messageBytes) {
    throw notMerged();
  }

  static java.util.Map<String, Double> large(Cluster cluster, long bytes, int receiverHeapMib) {
    throw notMerged();
  }

  static java.util.Map<String, Double> round(Cluster cluster, int modelBytes, int clients) {
    throw notMerged();
  }

  static java.util.Map<String, Double> router(Cluster cluster, int events, int subscriptions) {
    throw notMerged();
  }

  static java.util.Map<String, Double> nodes(Cluster cluster, int nodes) {
    throw notMerged();
  }

  static java.util.List<byte[]> routerEvents(Cluster cluster, int distinct) {
    throw notMerged();
  }

  private static BenchException notMerged() {
    return new BenchException("The node SDK is not merged into the bench yet.");
  }
}
