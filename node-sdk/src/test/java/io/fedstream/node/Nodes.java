package io.fedstream.node;

import io.fedstream.testkit.Platform;
import java.time.Duration;

/** Test helpers: configs for nodes on the test platform. */
final class Nodes {

  static final Duration WAIT = Duration.ofSeconds(30);

  private Nodes() {
  }

  static NodeConfig.Builder config(Platform platform, String ns, String nodeId, String... groups) {
    return NodeConfig.builder()
        .bootstrapServers(platform.bootstrapServers())
        .registryUrl(platform.registryUrl())
        .namespace(ns)
        .nodeId(nodeId)
        .groups(groups)
        .set(NodeConfig.HEARTBEAT_INTERVAL_MS, 200)
        .set(NodeConfig.LIVENESS_TIMEOUT_MS, 2000);
  }

  static Node start(Platform platform, String ns, String nodeId, String... groups) {
    Node n = Node.create(config(platform, ns, nodeId, groups).build());
    n.start().block(WAIT);
    return n;
  }
}
