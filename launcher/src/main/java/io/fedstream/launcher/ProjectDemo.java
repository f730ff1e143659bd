package io.fedstream.launcher;

import io.fedstream.examples.projects.ProjectFlow;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedstream demo project}: FriendlyFL's routing server flow, sites, a project and two runs. */
@Command(name = "project", mixinStandardHelpOptions = true,
    description = {"FriendlyFL's routing-server flow: three sites register, one creates a project with two tasks"
        + " and two join; a run trains a model and reaches SUCCESS; a second run FAILED with the reason visible"
        + " to the coordinator.",
        "It runs a router for the demo's namespace in this process unless --no-router is given (then one must"
        + " serve --namespace already)."})
final class ProjectDemo implements Callable<Integer> {

  @Option(names = "--no-router", description = "Use a router that already serves --namespace.")
  boolean noRouter;

  @Mixin
  DemoOptions demo;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (noRouter && demo.namespace == null) {
      throw new LauncherException(LauncherException.USAGE, "--no-router needs --namespace: the namespace a router serves.");
    }
    try (DemoSession session = new DemoSession(demo, out)) {
      String ns = session.namespace();
      Router router = null;
      Path state = null;
      try {
        if (!noRouter) {
          state = Files.createTempDirectory("fedstream-demo-router");
          router = Router.start(RouterConfig.of(Map.of(RouterConfig.BOOTSTRAP_SERVERS, session.bootstrapServers(),
              RouterConfig.REGISTRY_URL, session.registryUrl(), RouterConfig.NAMESPACE, ns,
              RouterConfig.STATE_DIR, state.toString(), RouterConfig.STATE_STORE, "in-memory",
              RouterConfig.INSTANCE_ID, "demo-router", "streams.metadata.max.age.ms", "1000")));
          if (!router.awaitRunning(Duration.ofMinutes(2))) {
            throw new LauncherException(LauncherException.FAILED, "the demo's router did not start");
          }
        }
        out.println("Namespace " + ns + " on " + session.bootstrapServers() + "; router "
            + (noRouter ? "already running" : "started in this process"));
        out.flush();
        ProjectFlow.Result r = new ProjectFlow(session.bootstrapServers(), session.registryUrl(), ns, out,
            Duration.ofSeconds(30), null).run();
        out.println("Done: run " + r.first().id() + " " + r.first().state() + " (" + r.model() + "), run "
            + r.second().id() + " " + r.second().state() + ": " + r.second().reason().orElse(""));
        out.println("Look again with: fedstream projects --namespace " + ns + "; fedstream runs "
            + ProjectFlow.PROJECT + " --namespace " + ns + "; fedstream logs " + r.first().id() + " --namespace " + ns);
        out.flush();
        return 0;
      } finally {
        if (router != null) {
          router.close();
        }
        if (state != null) {
          try (var files = Files.walk(state)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
          }
        }
      }
    }
  }
}
