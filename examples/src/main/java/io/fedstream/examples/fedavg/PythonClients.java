package io.fedstream.examples.fedavg;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * FedAvg clients written in Python ({@code python/examples/fedavg_client.py}, numpy), started as
 * processes beside the Java ones: each gets its part of the split as a shard file and joins the
 * federation as a remote node (the federation layer's start and done messages, the demo's wire
 * format for {@code train} and {@code update}).
 */
public final class PythonClients {

  /** Debian's interpreter, which sees Debian's python3-confluent-kafka and python3-numpy. */
  public static final String PYTHON = "/usr/bin/python3";

  private PythonClients() {
  }

  /**
   * The ids of the Python clients: the last {@code n} of the plan's clients.
   *
   * @param plan the run's plan
   * @param n how many clients are Python processes, 0 to K
   * @return their ids
   * @throws IllegalArgumentException when {@code n} is negative or larger than the client count
   */
  public static List<String> ids(Plan plan, int n) {
    List<String> all = plan.clientIds();
    if (n < 0 || n > all.size()) {
      throw new IllegalArgumentException("--python-clients must be between 0 and --clients (" + all.size() + "), not " + n);
    }
    return all.subList(all.size() - n, all.size());
  }

  /**
   * Writes the shard of client {@code k} (0-based): int32 count, count x features pixels, count
   * labels, little-endian.
   *
   * @param plan the run's plan
   * @param k the client's index
   * @param file where to write it
   * @throws IOException when the file cannot be written
   */
  public static void writeShard(Plan plan, int k, Path file) throws IOException {
    Dataset d = plan.data();
    int[] examples = plan.parts()[k];
    int f = d.features();
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(examples.length).array());
      for (int ex : examples) {
        out.write(d.trainX(), ex * f, f);
      }
      byte[] labels = new byte[examples.length];
      for (int i = 0; i < examples.length; i++) {
        labels[i] = d.trainY()[examples[i]];
      }
      out.write(labels);
    }
  }

  /**
   * Starts the Python clients, each with its shard, its output in {@code <id>.log} in {@code dir}.
   *
   * @param plan the run's plan
   * @param ids the Python clients' ids ({@link #ids})
   * @param script {@code python/examples/fedavg_client.py}
   * @param dir where shards and logs go
   * @param bootstrap Kafka's bootstrap servers
   * @param registry the registry URL
   * @param namespace the federation's namespace
   * @return the processes, for the caller to stop
   * @throws IOException when a shard cannot be written or a process cannot start (those already
   *     started are ended first)
   */
  public static List<Process> start(Plan plan, List<String> ids, Path script, Path dir, String bootstrap,
      String registry, String namespace) throws IOException {
    Files.createDirectories(dir);
    List<String> all = plan.clientIds();
    List<Process> started = new ArrayList<>();
    try {
      for (String id : ids) {
        Path shard = dir.resolve(id + ".shard");
        writeShard(plan, all.indexOf(id), shard);
        started.add(new ProcessBuilder(PYTHON, script.toString(), "--bootstrap", bootstrap, "--registry", registry,
            "--namespace", namespace, "--id", id, "--shard", shard.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve(id + ".log").toFile()).start());
      }
    } catch (IOException | RuntimeException e) {
      started.forEach(Process::destroyForcibly);
      throw e;
    }
    return started;
  }
}
