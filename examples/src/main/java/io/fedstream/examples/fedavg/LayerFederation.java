package io.fedstream.examples.fedavg;

import io.fedstream.federation.ClientServerFederation;
import io.fedstream.federation.FederationException;
import io.fedstream.federation.TrainResult;
import io.fedstream.node.NodeConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a FedAvg {@link Plan} as a {@link ClientServerFederation}: {@link FedAvgServerNode} as the
 * server template, {@link FedAvgClientNode} as the client template, K clients, run with
 * {@code train(serverArgs, clientArgs)}. The clients run in this JVM (simulation), or in other
 * processes when {@code remote} is set: the federation then waits for them to be present and sends
 * them their arguments.
 */
public final class LayerFederation implements FedAvgJob.Federation {

  private final NodeConfig config;
  private final boolean remote;
  private final List<String> remoteIds;
  private final Duration startTimeout;

  /**
   * A federation.
   *
   * @param config where the nodes connect (bootstrap servers, registry, namespace)
   * @param remote whether the clients run in other processes ({@code fedstream node})
   * @param startTimeout how long to wait for every client to be present
   */
  public LayerFederation(NodeConfig config, boolean remote, Duration startTimeout) {
    this(config, remote, List.of(), startTimeout);
  }

  /**
   * A federation in which some clients run in other processes (for example the Python clients of
   * {@link PythonClients}) and the others in this one.
   *
   * @param config where the nodes connect (bootstrap servers, registry, namespace)
   * @param remoteIds the clients that run in other processes
   * @param startTimeout how long to wait for every client to be present
   */
  public LayerFederation(NodeConfig config, List<String> remoteIds, Duration startTimeout) {
    this(config, false, remoteIds, startTimeout);
  }

  private LayerFederation(NodeConfig config, boolean remote, List<String> remoteIds, Duration startTimeout) {
    this.config = config;
    this.remote = remote;
    this.remoteIds = List.copyOf(remoteIds);
    this.startTimeout = startTimeout;
  }

  /**
   * The clients' {@code train} arguments: JSON-like values only, so they can travel to another
   * process.
   *
   * @param plan the plan
   * @return the arguments by parameter name of {@link FedAvgClientNode#train}
   */
  public static Map<String, Object> clientArgs(Plan plan) {
    FedAvgConfig c = plan.config();
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("data", plan.dataSpec());
    args.put("model", c.model());
    args.put("hidden", c.hidden());
    args.put("clients", c.clients());
    args.put("fraction", c.fraction());
    args.put("rounds", c.rounds());
    args.put("iid", c.iid());
    args.put("alpha", c.alpha());
    args.put("seed", c.seed());
    args.put("stragglers", c.stragglers());
    return args;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<RoundMetrics> run(Plan plan) {
    ClientServerFederation.Builder b = ClientServerFederation.builder()
        .config(config)
        .server(FedAvgServerNode.class)
        .client(FedAvgClientNode.class)
        .clients(plan.config().clients())
        .startTimeout(startTimeout);
    if (remote) {
      b.remote(plan.clientIds());
    } else if (!remoteIds.isEmpty()) {
      b.remote(remoteIds);
    }
    TrainResult result = b.build().train(Map.of("plan", plan), clientArgs(plan));
    if (result.outcome() != TrainResult.Outcome.COMPLETED) {
      throw new FederationException(FederationException.STOPPED, "the federation ended early: " + result.outcome());
    }
    return (List<RoundMetrics>) result.serverResult();
  }
}
