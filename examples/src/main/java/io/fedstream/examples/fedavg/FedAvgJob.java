package io.fedstream.examples.fedavg;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The FedAvg main job from start to end: describe the data and the split, run the federation,
 * optionally train the centralised reference, write {@code metrics.json}, {@code metrics.csv},
 * {@code chart.png} and {@code chart.html}, print the summary. Where the participants run is the
 * {@link Federation}'s business (one JVM, or clients in other processes).
 */
public final class FedAvgJob {

  /** Runs the participants of a {@link Plan} until the server is done. */
  public interface Federation {
    /**
     * Runs the server and the clients.
     *
     * @param plan what they are made from
     * @return the server's rows, one per round
     * @throws RuntimeException if the federation fails
     */
    List<RoundMetrics> run(Plan plan);
  }

  /**
   * What the job produced.
   *
   * @param rows one per round
   * @param centralizedAccuracy the reference's test accuracy, or NaN without {@code --centralized}
   * @param json the metrics.json file
   * @param csv the metrics.csv file
   * @param png the chart
   * @param html the chart's page
   */
  public record Result(List<RoundMetrics> rows, double centralizedAccuracy, Path json, Path csv, Path png, Path html) {

    /** The test accuracy after the last round. */
    public double finalAccuracy() {
      return rows.isEmpty() ? Double.NaN : rows.get(rows.size() - 1).testAccuracy();
    }
  }

  private final FedAvgConfig config;
  private final String dataSpec;
  private final boolean centralized;
  private final Path outDir;
  private final PrintWriter out;
  private final boolean terminal;

  /**
   * A job.
   *
   * @param config the settings
   * @param dataSpec {@link Plan#STANDARD}, {@link Plan#BUNDLED} or a directory of IDX files
   * @param centralized also train the centralised reference
   * @param outDir where the files go (created)
   * @param out where the output goes
   * @param terminal whether {@code out} is a terminal (live progress line)
   */
  public FedAvgJob(FedAvgConfig config, String dataSpec, boolean centralized, Path outDir, PrintWriter out,
      boolean terminal) {
    this.config = config;
    this.dataSpec = dataSpec;
    this.centralized = centralized;
    this.outDir = outDir;
    this.out = out;
    this.terminal = terminal;
  }

  /**
   * Runs the job.
   *
   * @param federation where the participants run
   * @return what it produced
   * @throws UncheckedIOException if the data cannot be read or the files cannot be written
   */
  public Result run(Federation federation) {
    long t0 = System.nanoTime();
    ProgressLine progress = new ProgressLine(out, terminal);
    Plan plan = new Plan(config, dataSpec, new ConsoleListener(progress, config.rounds()));
    Dataset data = plan.data();
    Model model = plan.model();
    out.printf(Locale.ROOT, "Data: %s: %,d training and %,d test examples, %d classes%n", data.name(),
        data.trainCount(), data.testCount(), data.classes());
    out.printf(Locale.ROOT, "Model: %s; weights travel as %s float32 (%s per copy)%n", model.describe(),
        "little-endian", RoundMetrics.bytes(4L * model.size()));
    out.printf(Locale.ROOT, "FedAvg: K=%d clients, C=%s (%d a round), E=%d, B=%d, lr=%s, %d rounds, seed %d%n",
        config.clients(), config.fraction(), config.perRound(), config.epochs(), config.batch(),
        config.learningRate(), config.rounds(), config.seed());
    out.printf(Locale.ROOT, "Round release: all sampled, or %.0f%% of them and then %s times as long as they took;"
        + " a round with no update for %d s stops waiting%n", config.release().minFraction() * 100,
        config.release().patience(), config.release().stallNanos() / 1_000_000_000L);
    out.println("Split: " + config.split());
    Partition.summary(plan.parts(), data.trainY(), data.classes(), 10).forEach(out::println);
    List<List<String>> stragglers = config.stragglerPlan();
    for (int k = 0; k < stragglers.size(); k++) {
      if (!stragglers.get(k).isEmpty()) {
        out.println("Straggler " + Partition.clientId(k) + ": " + stragglers.get(k).stream()
            .map(e -> e.replaceFirst("(\\d+):(\\w+)", "$2 in round $1")).collect(java.util.stream.Collectors.joining(", ")));
      }
    }
    out.println(RoundMetrics.HEADER);
    out.flush();
    List<RoundMetrics> rows = federation.run(plan);
    progress.clear();
    double federatedSeconds = (System.nanoTime() - t0) / 1e9;

    double reference = Double.NaN;
    int referenceEpochs = referenceEpochs();
    if (centralized) {
      out.printf(Locale.ROOT, "Centralized reference: the same model and code on all %,d examples for %d epochs"
          + " (the same number of example passes as the federation) ...%n", data.trainCount(), referenceEpochs);
      out.flush();
      reference = centralized(plan, referenceEpochs, progress);
    }

    Map<String, Object> run = new LinkedHashMap<>();
    run.put("data", data.name());
    run.put("trainExamples", data.trainCount());
    run.put("testExamples", data.testCount());
    run.put("model", model.describe());
    run.put("split", config.split());
    run.put("clients", config.clients());
    run.put("fraction", config.fraction());
    run.put("epochs", config.epochs());
    run.put("batch", config.batch());
    run.put("learningRate", config.learningRate());
    run.put("rounds", config.rounds());
    run.put("seed", config.seed());
    run.put("stragglers", config.stragglers());
    RoundMetrics last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
    run.put("finalTestAccuracy", last == null ? null : last.testAccuracy());
    run.put("centralizedTestAccuracy", Double.isNaN(reference) ? null : reference);
    run.put("centralizedEpochs", centralized ? referenceEpochs : null);
    run.put("federatedSeconds", federatedSeconds);
    long sent = rows.stream().mapToLong(RoundMetrics::bytesSent).sum();
    long received = rows.stream().mapToLong(RoundMetrics::bytesReceived).sum();
    run.put("bytesSent", sent);
    run.put("bytesReceived", received);

    try {
      Files.createDirectories(outDir);
      Path json = outDir.resolve("metrics.json");
      Path csv = outDir.resolve("metrics.csv");
      Path png = outDir.resolve("chart.png");
      Path html = outDir.resolve("chart.html");
      String title = String.format(Locale.ROOT, "FedAvg, %s, %s, K=%d C=%s E=%d B=%d", model.name().toUpperCase(Locale.ROOT),
          config.split(), config.clients(), config.fraction(), config.epochs(), config.batch());
      MetricsFiles.writeJson(run, rows, json);
      MetricsFiles.writeCsv(rows, csv);
      Charts.writePng(rows, reference, title, png);
      Charts.writeHtml(rows, reference, title, run, html);
      if (last != null) {
        double best = rows.stream().mapToDouble(RoundMetrics::testAccuracy).max().orElse(Double.NaN);
        double compute = rows.stream().mapToDouble(RoundMetrics::computeSeconds).sum();
        double messaging = rows.stream().mapToDouble(RoundMetrics::messagingSeconds).sum();
        out.printf(Locale.ROOT, "Done: %d rounds in %.1f s; final test accuracy %.4f (best %.4f); sent %s, received %s;"
            + " compute %.1f s, messaging %.1f s%n", rows.size(), federatedSeconds, last.testAccuracy(), best,
            RoundMetrics.bytes(sent), RoundMetrics.bytes(received), compute, messaging);
      }
      if (!Double.isNaN(reference) && last != null) {
        out.printf(Locale.ROOT, "Centralized reference: test accuracy %.4f; FedAvg is %.2f points %s%n", reference,
            Math.abs(reference - last.testAccuracy()) * 100, last.testAccuracy() >= reference ? "above" : "below");
      }
      out.println("Metrics: " + json.toAbsolutePath() + " and " + csv.getFileName());
      out.println("Chart: " + png.toAbsolutePath() + " (and " + html.getFileName() + ")");
      out.flush();
      return new Result(List.copyOf(rows), reference, json, csv, png, html);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the results to " + outDir + ": " + e.getMessage(), e);
    }
  }

  /** The centralised budget: as many passes over the data as the federation made, at least 1. */
  int referenceEpochs() {
    return Math.max(1, (int) Math.round(config.rounds() * config.epochs() * (double) config.perRound() / config.clients()));
  }

  private double centralized(Plan plan, int epochs, ProgressLine progress) {
    Dataset data = plan.data();
    Model model = plan.model();
    float[] w = model.init(config.seed());
    int[] all = new int[data.trainCount()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    double accuracy = Double.NaN;
    for (int e = 1; e <= epochs; e++) {
      progress.show(String.format(Locale.ROOT, "centralized epoch %d/%d", e, epochs));
      long t = System.nanoTime();
      Sgd.Result r = Sgd.train(model, w, data.trainX(), data.trainY(), all, 1, config.batch(),
          (float) config.learningRate(), config.seed() * 31 + e);
      double[] eval = Sgd.evaluate(model, w, data.testX(), data.testY());
      accuracy = eval[1];
      progress.println(String.format(Locale.ROOT, "  epoch %2d  train loss %.4f  test accuracy %.4f  %.2f s", e,
          r.loss(), accuracy, (System.nanoTime() - t) / 1e9));
    }
    return accuracy;
  }

  /** Prints the server's progress: the live line, the notes and one row per round. */
  private static final class ConsoleListener implements FedAvgServer.Listener {
    private final ProgressLine progress;
    private final int rounds;

    ConsoleListener(ProgressLine progress, int rounds) {
      this.progress = progress;
      this.rounds = rounds;
    }

    @Override
    public void broadcast(int round, int sampled) {
      progress.show(String.format(Locale.ROOT, "round %d/%d  updates 0/%d", round, rounds, sampled));
    }

    @Override
    public void gathered(int round, int answered, int sampled, double elapsedSeconds) {
      progress.show(String.format(Locale.ROOT, "round %d/%d  updates %d/%d  %.1f s", round, rounds, answered, sampled,
          elapsedSeconds));
    }

    @Override
    public void note(String line) {
      progress.println("      " + line);
    }

    @Override
    public void round(RoundMetrics metrics) {
      progress.println(metrics.row());
    }
  }
}
