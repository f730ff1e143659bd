package io.fedstream.launcher;

import io.fedstream.examples.fedavg.FedAvgConfig;
import io.fedstream.examples.fedavg.FedAvgJob;
import io.fedstream.examples.fedavg.FedAvgClientNode;
import io.fedstream.examples.fedavg.LayerFederation;
import io.fedstream.examples.fedavg.PythonClients;
import io.fedstream.examples.fedavg.Plan;
import io.fedstream.examples.fedavg.RoundRelease;
import io.fedstream.node.NodeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fedstream demo fedavg} (the default demo): federated averaging on Fashion-MNIST, a server
 * and K clients on the platform. The job itself is {@link FedAvgJob} in the examples module;
 * docs/demo.md explains every option and the defaults.
 */
@Command(name = "fedavg", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Federated averaging (FedAvg) on Fashion-MNIST: a server and K clients train a model together"
        + " through Kafka; one table row per round, a chart and metrics files at the end.",
        "Data: --data DIR, else Debian's dataset-fashion-mnist (full data) when installed, else the 6,000/1,000-image"
        + " subset carried in the repository. See docs/demo.md."})
final class FedAvgDemo implements Callable<Integer> {

  private static final FedAvgConfig D = FedAvgConfig.DEFAULTS;

  @Option(names = "--rounds", paramLabel = "N", description = "Communication rounds (default: 20).")
  int rounds = D.rounds();

  @Option(names = "--clients", paramLabel = "K", description = "Number of clients (default: 10).")
  int clients = D.clients();

  @Option(names = "--fraction", paramLabel = "C", description = "Fraction of clients sampled per round (default: 0.5).")
  double fraction = D.fraction();

  @Option(names = "--epochs", paramLabel = "E", description = "Local epochs per round (default: 1).")
  int epochs = D.epochs();

  @Option(names = "--batch", paramLabel = "B", description = "Local batch size (default: 32).")
  int batch = D.batch();

  @Option(names = "--lr", paramLabel = "RATE", description = "SGD learning rate (default: 0.1).")
  double lr = D.learningRate();

  @Option(names = "--iid", description = "Split the data IID across the clients (the default).")
  boolean iid;

  @Option(names = "--non-iid", description = "Split the data non-IID: a Dirichlet(alpha) draw per class.")
  boolean nonIid;

  @Option(names = "--alpha", paramLabel = "A",
      description = "Dirichlet concentration of the non-IID split; implies --non-iid (default: 0.5).")
  Double alpha;

  @Option(names = "--model", paramLabel = "NAME", description = "mlp (784-100-10, the default) or logreg.")
  String model = D.model();

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the split, the initial model and the sampling"
      + " (default: 42).")
  long seed = D.seed();

  @Option(names = "--data", paramLabel = "DIR", description = "A directory of MNIST-style IDX files (plain or .gz).")
  Path data;

  @Option(names = "--subset", description = "Use the subset carried in the repository even when the full data is"
      + " installed.")
  boolean subset;

  @Option(names = "--stragglers", paramLabel = "N", description = "Make N clients slow in one round and dead in the"
      + " next that samples them (default: 0).")
  int stragglers;

  @Option(names = "--quorum", paramLabel = "FRACTION", description = "A round may be released once this fraction of"
      + " its sampled clients answered (default: 0.6).")
  double quorum = D.release().minFraction();

  @Option(names = "--patience", paramLabel = "X", description = "After the quorum, wait for the rest up to X times as"
      + " long as the quorum took (default: 2.0).")
  double patience = D.release().patience();

  @Option(names = "--centralized", description = "Also train the same model on all data with the same code and"
      + " number of example passes: the reference.")
  boolean centralized;

  @Option(names = "--distributed", description = "Run each client as a process of its own ('fedstream node'), a"
      + " separate Kafka client; their output goes to client-N.log beside the metrics.")
  boolean distributed;

  @Option(names = "--remote", description = "The clients run elsewhere: start none and wait for client-1 ... client-K,"
      + " each started with 'fedstream node --class " + "io.fedstream.examples.fedavg.FedAvgClientNode --id client-N ...'.")
  boolean remote;

  @Option(names = "--python-clients", paramLabel = "N", defaultValue = "0", description = "The last N clients are"
      + " Python processes (python/examples/fedavg_client.py, numpy, Debian's /usr/bin/python3) training on their"
      + " shard beside the Java clients; their output goes to client-N.log beside the metrics.")
  int pythonClients;

  @Option(names = "--out", paramLabel = "DIR", description = "Where metrics and charts go (default:"
      + " <data-dir>/fedavg/<namespace>).")
  Path out;

  @Mixin
  DemoOptions demo;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    if (distributed && remote) {
      throw new LauncherException(LauncherException.USAGE, "--distributed starts the clients here, --remote waits for"
          + " clients started elsewhere: give one of them.");
    }
    if (pythonClients != 0 && (distributed || remote)) {
      throw new LauncherException(LauncherException.USAGE, "--python-clients runs the other clients in this process:"
          + " it goes with neither --distributed nor --remote.");
    }
    if (pythonClients < 0 || pythonClients > clients) {
      throw new LauncherException(LauncherException.USAGE, "--python-clients must be between 0 and --clients (" + clients
          + "), not " + pythonClients + ".");
    }
    if (iid && (nonIid || alpha != null)) {
      throw new LauncherException(LauncherException.USAGE, "--iid and --non-iid/--alpha exclude each other.");
    }
    FedAvgConfig config;
    try {
      config = new FedAvgConfig(rounds, clients, fraction, epochs, batch, lr, !(nonIid || alpha != null),
          alpha == null ? D.alpha() : alpha, model, D.hidden(), seed, stragglers,
          new RoundRelease(quorum, patience, D.release().stallNanos()));
    } catch (IllegalArgumentException e) {
      throw new LauncherException(LauncherException.USAGE, e.getMessage());
    }
    String dataSpec = data != null ? data.toString() : subset ? Plan.BUNDLED : Plan.STANDARD;
    try (DemoSession session = new DemoSession(demo, w)) {
      Path dir = out != null ? out : session.dir().root.resolve("fedavg").resolve(session.namespace());
      w.println("Federation " + session.namespace() + ": 1 server, " + clients + " clients, on "
          + session.bootstrapServers());
      w.flush();
      NodeConfig nodes = NodeConfig.builder().bootstrapServers(session.bootstrapServers())
          .registryUrl(session.registryUrl()).namespace(session.namespace()).build();
      List<Process> processes = distributed ? startClients(session, dir, w) : List.of();
      List<String> python = List.of();
      if (pythonClients > 0) {
        Plan plan = new Plan(config, dataSpec, null);
        python = PythonClients.ids(plan, pythonClients);
        processes = PythonClients.start(plan, python, pythonScript(), dir, session.bootstrapServers(),
            session.registryUrl(), session.namespace());
        w.println("Started " + python.size() + " Python client processes (" + String.join(", ", python)
            + "; python/examples/fedavg_client.py); their output: " + dir.resolve("client-N.log"));
        w.flush();
      }
      boolean done = false;
      try {
        FedAvgJob job = new FedAvgJob(config, dataSpec, centralized, dir, w, System.console() != null);
        job.run(python.isEmpty()
            ? new LayerFederation(nodes, distributed || remote, Duration.ofSeconds(distributed || remote ? 300 : 60))
            : new LayerFederation(nodes, python, Duration.ofSeconds(120)));
        done = true;
      } finally {
        stop(processes, done ? 15 : 0);
      }
      return 0;
    } catch (UncheckedIOException e) {
      throw new LauncherException(LauncherException.FAILED, e.getMessage(), e);
    } catch (IOException e) {
      throw new LauncherException(LauncherException.FAILED, "cannot start the Python clients: " + e.getMessage(), e);
    }
  }

  /** {@code python/examples/fedavg_client.py} of this checkout ({@code fedstream.home}, else the working directory). */
  private static Path pythonScript() {
    Path home = Path.of(System.getProperty("fedstream.home", "."));
    Path script = home.resolve("python/examples/fedavg_client.py");
    if (!Files.isRegularFile(script)) {
      throw new LauncherException(LauncherException.FAILED, "the Python client is not at " + script.toAbsolutePath()
          + ": run ./fedstream from the repository's checkout");
    }
    return script;
  }

  /**
   * Starts one {@code fedstream node} process per client, on this launcher's class path, against
   * the session's cluster; the federation waits for them and sends them their arguments.
   */
  private List<Process> startClients(DemoSession session, Path dir, PrintWriter w) {
    List<Process> processes = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      Files.createDirectories(dir);
      for (int k = 1; k <= clients; k++) {
        String id = "client-" + k;
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "node", "--namespace", session.namespace(), "--class", FedAvgClientNode.class.getName(),
            "--id", id, "--bootstrap", session.bootstrapServers(), "--registry", session.registryUrl());
        processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(id + ".log").toFile())
            .start());
      }
    } catch (IOException e) {
      stop(processes, 0);
      throw new LauncherException(LauncherException.FAILED, "cannot start the client processes: " + e.getMessage(), e);
    }
    w.println("Started " + clients + " client processes (fedstream node --class " + FedAvgClientNode.class.getName()
        + " --id client-N ...); their output: " + dir.resolve("client-N.log"));
    w.flush();
    return processes;
  }

  /** Gives the client processes {@code seconds} to end (they end on 'stop'), then ends them. */
  private static void stop(List<Process> processes, int seconds) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (Process p : processes) {
      try {
        if (!p.waitFor(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroy();
          if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
