package io.fedstream.examples.fedavg;

import io.fedstream.federation.FederatedNode;
import java.util.List;

/**
 * The FedAvg server as a node of the client/server federation: its {@code train} runs every
 * round ({@link FedAvgServer}) and returns the rounds' metrics, which ends the federation.
 */
public class FedAvgServerNode extends FederatedNode {

  /**
   * Runs the rounds.
   *
   * @param plan the run's settings, data and progress listener (the server runs in the
   *     launcher's JVM, so this is a Java object)
   * @return one row per round
   */
  public List<RoundMetrics> train(Plan plan) {
    return plan.server(new FederatedEndpoint(this)).run();
  }
}
