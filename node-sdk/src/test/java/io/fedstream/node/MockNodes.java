package io.fedstream.node;

import io.fedstream.node.spi.KafkaClientFactory;
import io.fedstream.testkit.mock.MockKafka;
import java.time.Duration;

/** Test helpers: nodes on test-kit's broker-free {@link MockKafka}. */
final class MockNodes {

  static final Duration WAIT = Duration.ofSeconds(30);

  private MockNodes() {
  }

  static NodeConfig.Builder config(MockKafka kafka, String nodeId) {
    return NodeConfig.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .registryUrl(kafka.registryUrl())
        .namespace("t")
        .nodeId(nodeId)
        .clientFactory(KafkaClientFactory.of(kafka::producer, kafka::consumer, kafka::createTopics))
        .set(NodeConfig.HEARTBEAT_INTERVAL_MS, 200)
        .set(NodeConfig.LIVENESS_TIMEOUT_MS, 2000);
  }

  static Node start(MockKafka kafka, String nodeId) {
    Node n = Node.create(config(kafka, nodeId).build());
    n.start().block(WAIT);
    return n;
  }
}
