package io.fedstream.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks: {@code Main NAME|all [--size tiny|small|full] [--runs N] [--bootstrap host:port]
 * [--registry url]}.
 *
 * <p>Each workload measures FedStream beside a plain Kafka baseline on the same broker in the
 * same run: an in-process single-node KRaft broker started for that workload, or the running
 * broker given by {@code --bootstrap} (and registry given by {@code --registry}). It prints detail
 * lines first and ends with exactly one {@code RESULT <name> ...} line; a workload whose feature
 * has not landed prints {@code RESULT <name> skipped reason=<why>}, and one that fails prints
 * {@code RESULT <name> failed reason=<why>}. Detail and result lines go to standard output, logs
 * to standard error. The exit status is 0 when no workload failed, 1 when one failed, 2 on a bad
 * command line. See docs/benchmarks.md.
 */
public final class Main {

  static final String USAGE = "Usage: bench NAME|all [--size tiny|small|full] [--runs N]"
      + " [--bootstrap host:port] [--registry url]; NAME is one of rr, oneway, large, round, nodes, router, up.";

  private Main() {}

  /** The workloads in the order {@code all} runs them. */
  static Map<String, Workload> workloads() {
    Map<String, Workload> w = new LinkedHashMap<>();
    for (Workload x : List.of(new RrWorkload(), new OnewayWorkload(), new LargeWorkload(), new RoundWorkload(),
        new NodesWorkload(), new RouterWorkload(), new UpWorkload())) {
      w.put(x.name(), x);
    }
    return w;
  }

  /**
   * Runs the command line and exits with its status.
   *
   * @param args {@code NAME|all} and options, as above
   */
  public static void main(String[] args) {
    // Kafka's test runtime jar ships its own log4j2 config; the bench's keeps stdout for figures.
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "classpath:fedstream-bench-log4j2.xml");
    }
    int status = run(args, System.out, System.err);
    System.exit(status);
  }

  /** Runs the command line, printing to {@code out}; returns the exit status (0, 1 or 2). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (BenchException e) {
      err.println(e.getMessage());
      return 2;
    }
    Map<String, Workload> all = workloads();
    List<Workload> chosen = new ArrayList<>();
    for (String name : options.names) {
      if (name.equals("all")) {
        chosen.addAll(all.values());
      } else if (all.containsKey(name)) {
        chosen.add(all.get(name));
      } else {
        err.println("Unknown workload '" + name + "'. " + USAGE);
        return 2;
      }
    }
    int status = 0;
    for (Workload w : chosen) {
      if (!runOne(w, options, out, err)) {
        status = 1;
      }
    }
    return status;
  }

  private static boolean runOne(Workload w, Options options, PrintStream out, PrintStream err) {
    Report report = new Report(out, w.name());
    long start = System.nanoTime();
    try (HeapPeak heap = new HeapPeak();
         Cluster cluster = w.needsBroker() ? Cluster.open(options.bootstrap, options.registry) : null) {
      if (cluster != null) {
        report.detail("broker=" + (cluster.embedded() ? "in-process " : "external ") + cluster.bootstrap()
            + " java=" + System.getProperty("java.version") + " cores=" + Runtime.getRuntime().availableProcessors()
            + " max_heap_mib=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
      }
      report.beforeResult(() -> report.detail("jvm heap_peak_mib=" + Report.num(heap.peakMib())
          + " elapsed_s=" + Report.num((System.nanoTime() - start) / 1e9) + " (whole bench JVM, broker included)"));
      w.run(cluster, options.size, options.runs, report);
      if (!report.done()) {
        report.result("failed reason=no-result");
        return false;
      }
      return true;
    } catch (Exception | Error e) {
      e.printStackTrace(err);
      String reason = (e.getClass().getSimpleName() + ": " + e.getMessage()).replaceAll("\\s+", "_");
      if (!report.done()) {
        report.result("failed reason=" + reason);
      }
      return false;
    }
  }
}
