package io.fedstream.examples.fedavg;

import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A FedAvg federation of FedStream nodes in this JVM: one {@link Node} per participant (its own
 * producer and consumer, as a separate process would have), the server in the caller's thread and
 * each client on its own. Waits until every client is present before the first round.
 */
public final class NodeFederation implements FedAvgJob.Federation {

  /** The group every client joins. */
  public static final String CLIENTS = "clients";

  private static final Duration START = Duration.ofSeconds(60);

  private final NodeConfig base;

  /**
   * A federation on a platform.
   *
   * @param bootstrapServers Kafka's bootstrap servers
   * @param registryUrl the schema registry's URL
   * @param namespace the namespace to run in
   */
  public NodeFederation(String bootstrapServers, String registryUrl, String namespace) {
    this.base = NodeConfig.builder().bootstrapServers(bootstrapServers).registryUrl(registryUrl).namespace(namespace)
        .nodeId("server").build();
  }

  @Override
  public List<RoundMetrics> run(Plan plan) {
    List<String> ids = plan.clientIds();
    Map<String, Node> nodes = new LinkedHashMap<>();
    List<NodeEndpoint> endpoints = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(ids.size(), r -> {
      Thread t = new Thread(r, "fedavg-client");
      t.setDaemon(true);
      return t;
    });
    try {
      nodes.put("server", Node.create(base));
      for (String id : ids) {
        nodes.put(id, Node.create(base.toBuilder().nodeId(id).groups(CLIENTS).build()));
      }
      for (Node n : nodes.values()) {
        n.start().block(START);
      }
      nodes.get("server").awaitMembers(CLIENTS, ids.size(), START).block();
      List<Future<Integer>> clients = new ArrayList<>();
      for (int k = 0; k < ids.size(); k++) {
        NodeEndpoint e = new NodeEndpoint(nodes.get(ids.get(k)));
        endpoints.add(e);
        FedAvgClient client = plan.client(k, e);
        clients.add(pool.submit(client::run));
      }
      NodeEndpoint server = new NodeEndpoint(nodes.get("server"));
      endpoints.add(server);
      List<RoundMetrics> rows = plan.server(server).run();
      for (Future<Integer> f : clients) {
        f.get(START.toSeconds(), TimeUnit.SECONDS);
      }
      return rows;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the federation was interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a client failed: " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("a client did not stop within " + START.toSeconds() + " s", e);
    } finally {
      endpoints.forEach(NodeEndpoint::close);
      pool.shutdownNow();
      nodes.values().forEach(Node::close);
    }
  }
}
