package io.fedstream.node;

import io.fedstream.node.internal.NodeHostImpl;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import reactor.core.publisher.Mono;

/**
 * One process's connection to a namespace: ONE producer and ONE consumer serving any number of
 * {@link Node}s. The consumer reads only the mailbox partitions its nodes hash to (plus their
 * groups' topics and the presence topic) and dispatches by key, so a JVM can host thousands of
 * virtual nodes; an idle node costs about 1.5 KiB of heap.
 */
public interface NodeHost extends AutoCloseable {

  /**
   * A host from a config; {@link NodeConfig#HOST_ID} (or the node id) must be set and stable
   * across restarts, so that the host resumes where it stopped.
   *
   * @throws IllegalArgumentException if there is no host id
   */
  static NodeHost create(NodeConfig config) {
    return NodeHostImpl.create(config);
  }

  /**
   * Adds a node. Before {@link #start()} this is cheap (no I/O); after, the host extends its
   * assignment and the node's first heartbeat goes out.
   *
   * @param nodeId the node id (letters, digits, '.', '_', ':', '-')
   * @param groups its groups
   * @return the node; closing it removes it from the host
   * @throws IllegalArgumentException if the id is invalid or already hosted
   */
  Node addNode(String nodeId, Collection<String> groups);

  /**
   * Adds a node from a spec (id, groups, roles, relationships, its own interceptors); as {@link
   * #addNode(String, Collection)}.
   *
   * @throws IllegalArgumentException if a group name is invalid or the id is already hosted
   */
  Node addNode(NodeSpec spec);

  /** Starts the host and every node added so far; see {@link Node#start()}. Idempotent. */
  Mono<Void> start();

  /** Number of nodes hosted. */
  int size();

  /** Where the host's metrics go. */
  MeterRegistry meterRegistry();

  /** Closes every node, drains in-flight sends, commits, and stops every thread the host started. */
  @Override
  void close();
}
