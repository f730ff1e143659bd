package io.fedstream.examples.fedavg;

import io.fedstream.federation.FederatedNode;

/**
 * A FedAvg client as a node of the client/server federation. Its {@code train} arguments are
 * JSON-like values, so the same class runs in the server's JVM or in a process of its own on
 * another machine ({@code fedstream node --class io.fedstream.examples.fedavg.FedAvgClientNode
 * --id client-3 ...}). From them it finds its own part of the split (by its id, {@code client-k})
 * and its straggler plan, the same way as every other process; epochs, batch size and learning
 * rate come with each round's {@code train} message.
 */
public class FedAvgClientNode extends FederatedNode {

  /**
   * Serves rounds until the server says {@code stop} or the federation ends.
   *
   * @param data the data spec: {@code standard}, {@code bundled} or a directory of IDX files on
   *     this machine
   * @param model {@code mlp} or {@code logreg}
   * @param hidden hidden units of the MLP
   * @param clients K, the number of clients of the split
   * @param fraction C, the fraction sampled per round (for the straggler plan)
   * @param rounds the rounds (for the straggler plan)
   * @param iid IID split, or Dirichlet
   * @param alpha the Dirichlet concentration
   * @param seed the run's seed
   * @param stragglers how many clients are stragglers
   * @return the rounds this client answered
   * @throws IllegalArgumentException if this node's id is not one of {@code client-1 ... client-K}
   */
  public int train(String data, String model, int hidden, int clients, double fraction, int rounds, boolean iid,
      double alpha, long seed, int stragglers) {
    FedAvgConfig defaults = FedAvgConfig.DEFAULTS;
    FedAvgConfig config = new FedAvgConfig(rounds, clients, fraction, defaults.epochs(), defaults.batch(),
        defaults.learningRate(), iid, alpha, model, hidden, seed, stragglers, defaults.release());
    Plan plan = new Plan(config, data, null);
    int k = plan.clientIds().indexOf(id());
    if (k < 0) {
      throw new IllegalArgumentException(id() + " is not a client of this split (client-1 to client-" + clients + ")");
    }
    return plan.client(k, new FederatedEndpoint(this)).run();
  }
}
