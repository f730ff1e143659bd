package io.fedstream.testkit;

import io.fedstream.platform.BrokerSettings;
import java.io.PrintStream;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Starts a real single-node KRaft broker (combined broker and controller) inside this JVM, on
 * 127.0.0.1 and an OS-picked port, with FedStream's broker settings ({@link BrokerSettings}, the
 * same as the embedded broker's): no implicit topic creation, the record limit, single-replica
 * internal topics, no initial rebalance delay. The test-kit's
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
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
          .setCombined(true)
          .setNumBrokerNodes(1)
          .setNumControllerNodes(1)
          .build());
      // The one source of FedStream's broker settings (broker-config's server.properties):
      // no implicit topic creation, the record limit, single-replica internal topics ...
      BrokerSettings.shared().forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster = builder.build();
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
