package io.fedstream.router;

import io.fedstream.router.internal.TopologyFactory;
import io.fedstream.router.internal.WireCodec;
import org.apache.kafka.streams.Topology;

/**
 * The router's Kafka Streams topology, as a pure function of its {@link RouterConfig}. Building
 * it opens no connection; the registry is first contacted when a record is encoded or decoded.
 *
 * <p>It reads {@code <ns>.subscriptions}, every {@code <ns>.events.<role>} (by pattern),
 * {@code <ns>.conditional-events}, {@code <ns>.mailbox} and {@code <ns>.presence}, and writes
 * {@code <ns>.mailbox} (routed events, triggers, coded errors), {@code <ns>.subscriptions} (ONCE
 * tombstones), {@code <ns>.liveness}, {@code <ns>.events.presence} (join/leave) and
 * {@code <ns>.dlq}. {@code docs/router.md} describes each part.
 */
public final class RouterTopology {

  private RouterTopology() {
  }

  /**
   * Builds the topology.
   *
   * @param config the router config
   * @return a new topology
   */
  public static Topology build(RouterConfig config) {
    return TopologyFactory.build(config, new WireCodec(config.registryUrl()));
  }
}
