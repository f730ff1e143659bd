package io.fedstream.testkit;

import java.io.PrintStream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Starts a real single-node KRaft broker (combined broker and controller) inside this JVM, on
 * 127.0.0.1 and an OS-picked port, with FedStream's broker settings: no implicit topic creation,
 * 4 MiB records, single-replica internal topics, no initial rebalance delay. The test-kit's
 * {@link Platform} and the benchmarks both run on it.
 */
public final class InJvmBroker {

  private InJvmBroker() {
  }

  /**
   * Formats and starts a broker, and waits until it is ready. The caller closes it.
   *
   * @return the running broker; {@code bootstrapServers()} gives its address
   * @throws IllegalStateException if it cannot start, with the cause
   */
  public static KafkaClusterTestKit start() {
    try {
      KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
          .setCombined(true)
          .setNumBrokerNodes(1)
          .setNumControllerNodes(1)
          .build())
          // Topics are created by FedStream with the contract's settings, never implicitly.
          .setConfigProp("auto.create.topics.enable", "false")
          .setConfigProp("message.max.bytes", "4194304")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("offsets.topic.num.partitions", "10")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("transaction.state.log.num.partitions", "10")
          .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
          .setConfigProp("share.coordinator.state.topic.min.isr", "1")
          .build();
      // format() prints to standard output, which benchmark figures and test reports own.
      PrintStream stdout = System.out;
      System.setOut(System.err);
      try {
        cluster.format();
      } finally {
        System.setOut(stdout);
      }
      cluster.startup();
      cluster.waitForReadyBrokers();
      return cluster;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start the in-JVM Kafka broker: " + e, e);
    }
  }
}
