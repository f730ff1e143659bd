package io.fedstream.examples.connection;

import com.google.protobuf.Struct;
import io.fedstream.connection.ClientManager;
import io.fedstream.connection.Connection;
import io.fedstream.connection.ConnectionServer;
import io.fedstream.node.NodeConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * XAIN's network module, ported: a coordinator ({@link ConnectionServer} with a client manager of
 * {@link Participant}s) and N clients ({@link TrainingClient} on a {@link Connection} each). Every
 * round the coordinator runs {@code train(theta)} on every participant and averages the answers,
 * weighted by samples. {@code ./fedstream demo connection} runs it.
 */
public final class ConnectionExample {

  /** The coordinator's node id. */
  public static final String COORDINATOR = "coordinator";

  /**
   * What a run did.
   *
   * @param theta the final model
   * @param instructions how many instructions the clients answered
   */
  public record Report(double[] theta, int instructions) {
  }

  private ConnectionExample() {
  }

  /**
   * Runs the coordinator and {@code clients} clients in this JVM, each on a node of its own.
   *
   * @param config where the nodes connect (bootstrap servers, registry, namespace)
   * @param clients how many clients (1 or more)
   * @param rounds how many rounds
   * @param out where the coordinator prints each round
   * @return the final model and how many instructions were answered
   */
  public static Report run(NodeConfig config, int clients, int rounds, PrintWriter out) {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<CompletableFuture<Integer>> loops = new ArrayList<>();
    double[] theta = {0, 0};
    try (ConnectionServer server = ConnectionServer.builder().config(config.toBuilder().nodeId(COORDINATOR).build())
        .build()) {
      ClientManager<Participant> manager = server.createClientManager(Participant::new);
      for (int i = 1; i <= clients; i++) {
        String id = "client-" + i;
        double[] target = {i, -i};
        int samples = 100 * i;
        loops.add(CompletableFuture.supplyAsync(() -> {
          try (Connection c = Connection.open(config.toBuilder().nodeId(id).build(), COORDINATOR)) {
            return TrainingClient.run(c, target, samples);
          }
        }, pool));
      }
      List<Participant> participants = manager.getClients(clients, Duration.ofSeconds(60));
      out.println("Coordinator: " + participants.size() + " clients connected: "
          + participants.stream().map(Participant::clientId).collect(Collectors.joining(", ")));
      for (int round = 1; round <= rounds; round++) {
        double[] sum = new double[theta.length];
        double weight = 0;
        for (Participant p : participants) {
          Struct answer = Protos.unwrap(p.train(round, theta));
          double[] t = Protos.vector(answer.getFieldsOrThrow("theta"));
          double n = answer.getFieldsOrThrow("samples").getNumberValue();
          out.printf(Locale.ROOT, "round %d  %-9s answered theta=%s from %.0f samples%n", round, p.clientId(),
              format(t), n);
          for (int i = 0; i < sum.length; i++) {
            sum[i] += n * t[i];
          }
          weight += n;
        }
        for (int i = 0; i < sum.length; i++) {
          theta[i] = sum[i] / weight;
        }
        out.printf(Locale.ROOT, "round %d  coordinator averaged theta=%s%n", round, format(theta));
        out.flush();
      }
    }
    int answered = 0;
    try {
      for (CompletableFuture<Integer> loop : loops) {
        answered += loop.get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("a client did not end after the coordinator closed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
    return new Report(theta, answered);
  }

  /** A vector with three decimals. */
  public static String format(double[] v) {
    return Arrays.stream(v).mapToObj(d -> String.format(Locale.ROOT, "%.3f", d))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
