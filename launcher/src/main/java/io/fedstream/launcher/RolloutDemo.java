package io.fedstream.launcher;

import io.fedstream.examples.rollout.RolloutExample;
import io.fedstream.node.NodeConfig;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fedstream demo rollout}: MARO's proxy and register table (see {@link RolloutExample}).
 * The register table lives in the router, so this demo runs a router for its namespace in this
 * process for its length.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
    description = {"MARO's distributed rollout: a master and N workers in one group; workers are plain objects made"
        + " distributed (Dist) and check in; the master broadcasts rollout tasks and its register table gathers"
        + " worker:update:60% and a mixed AND/OR event; prints each session's stages and what each handler got."})
final class RolloutDemo implements Callable<Integer> {

  @Option(names = "--workers", paramLabel = "N", defaultValue = "3",
      description = "Number of workers, at least 3 (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "2",
      description = "Rounds of broadcast rollouts (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Mixin
  DemoOptions demo;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (workers < 3 || rounds < 1) {
      throw new LauncherException(LauncherException.USAGE, "--workers must be at least 3 and --rounds at least 1.");
    }
    try (DemoSession session = new DemoSession(demo, out)) {
      Path state = Files.createTempDirectory("fedstream-rollout-router");
      Map<String, Object> m = RouterConfig.singleBroker(session.bootstrapServers(), session.registryUrl(),
          session.namespace(), state);
      out.println("Rollout " + session.namespace() + ": 1 master, " + workers + " workers, " + rounds
          + " rounds; starting its router ...");
      out.flush();
      long start = System.nanoTime();
      try (Router router = Router.start(RouterConfig.of(m))) {
        if (!router.awaitRunning(Duration.ofSeconds(90))) {
          throw new LauncherException(LauncherException.FAILED, "the router did not start within 90 s");
        }
        NodeConfig config = NodeConfig.builder().bootstrapServers(session.bootstrapServers())
            .registryUrl(session.registryUrl()).namespace(session.namespace()).build();
        RolloutExample.Report r = new RolloutExample(config, workers, rounds, out).run();
        out.printf(Locale.ROOT, "Done in %.1f s: %d check-ins, %d rounds, the mixed event fired %d time(s).%n",
            (System.nanoTime() - start) / 1e9, r.checkIns().size(), r.percentTriggers().size(), r.mixedTriggers().size());
        return 0;
      }
    }
  }
}
