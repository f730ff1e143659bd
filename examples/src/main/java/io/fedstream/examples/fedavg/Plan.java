package io.fedstream.examples.fedavg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything a FedAvg federation's participants are made from: the settings, the data (named by
 * a spec every process can resolve the same way), the split and the straggler plan. Given an
 * {@link Endpoint} it makes the server or client {@code k}; the data set and the split are
 * computed once per JVM and shared, so ten clients in one JVM hold one copy.
 *
 * @param config the settings
 * @param dataSpec {@value #STANDARD}, {@value #BUNDLED} or a directory of IDX files
 * @param listener the server's progress listener
 */
public record Plan(FedAvgConfig config, String dataSpec, FedAvgServer.Listener listener) {

  /** The data spec of {@link Dataset#standard()}. */
  public static final String STANDARD = "standard";
  /** The data spec of {@link Dataset#bundled()}. */
  public static final String BUNDLED = "bundled";

  private static final Map<String, Dataset> DATA = new ConcurrentHashMap<>();
  private static final Map<String, int[][]> SPLITS = new ConcurrentHashMap<>();

  /**
   * The data set a spec names, read once per JVM.
   *
   * @param spec {@value #STANDARD}, {@value #BUNDLED} or a directory
   * @return the data set
   * @throws java.io.UncheckedIOException if it cannot be read
   */
  public static Dataset data(String spec) {
    return DATA.computeIfAbsent(spec, s -> switch (s) {
      case STANDARD -> Dataset.standard();
      case BUNDLED -> Dataset.bundled();
      default -> Dataset.fromDirectory(Path.of(s), null);
    });
  }

  /** The data set. */
  public Dataset data() {
    return data(dataSpec);
  }

  /** The split of the training set, computed once per JVM for these settings. */
  public int[][] parts() {
    String key = dataSpec + "|" + config.clients() + "|" + config.iid() + "|" + config.alpha() + "|" + config.seed();
    return SPLITS.computeIfAbsent(key, k -> config.partition(data()));
  }

  /** The model. */
  public Model model() {
    Dataset d = data();
    return Model.named(config.model(), d.features(), d.classes(), config.hidden());
  }

  /** The client ids: {@code client-1} to {@code client-K}. */
  public List<String> clientIds() {
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < config.clients(); k++) {
      ids.add(Partition.clientId(k));
    }
    return ids;
  }

  /**
   * The server.
   *
   * @param endpoint its messaging
   * @return the server
   */
  public FedAvgServer server(Endpoint endpoint) {
    return new FedAvgServer(endpoint, config, model(), data(), clientIds(), listener);
  }

  /**
   * Client {@code k} (0-based), with its examples and straggler plan.
   *
   * @param k the client's index
   * @param endpoint its messaging
   * @return the client
   */
  public FedAvgClient client(int k, Endpoint endpoint) {
    return new FedAvgClient(endpoint, model(), data(), parts()[k], config.stragglerPlan().get(k));
  }
}
