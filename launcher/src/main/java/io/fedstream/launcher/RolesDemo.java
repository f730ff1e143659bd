package io.fedstream.launcher;

import io.fedstream.examples.roles.RolesTutorial;
import io.fedstream.node.NodeConfig;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fedstream demo roles}: RoleML's message-channel tutorial, ported (examples/roles). */
@Command(name = "roles", mixinStandardHelpOptions = true,
    description = {"RoleML's roles and channels: a service and a task with a caller error, calls by relationship, by"
        + " role instance and to a group, events under the seed's condition table, and automatic subscriptions"
        + " that follow a relationship; each part prints what happens."})
final class RolesDemo implements Callable<Integer> {

  @Option(names = "--heavy-job", paramLabel = "SECONDS", defaultValue = "5",
      description = "How long the task heavy_job works (default: ${DEFAULT-VALUE}, as in the seed).")
  int heavyJob;

  @Mixin
  DemoOptions demo;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (heavyJob < 0) {
      throw new LauncherException(LauncherException.USAGE, "--heavy-job must not be negative.");
    }
    try (DemoSession session = new DemoSession(demo, out)) {
      out.println("Roles in namespace " + session.namespace() + " on " + session.bootstrapServers());
      out.flush();
      NodeConfig base = NodeConfig.builder().bootstrapServers(session.bootstrapServers())
          .registryUrl(session.registryUrl()).namespace(session.namespace()).build();
      RolesTutorial.Report r;
      // Events go through the router of the demo's namespace: one in this JVM for the demo's length.
      Path state = Files.createTempDirectory("fedstream-roles-router");
      try (Router router = Router.start(RouterConfig.of(
          RouterConfig.singleBroker(session.bootstrapServers(), session.registryUrl(), session.namespace(), state)))) {
        if (!router.awaitRunning(Duration.ofSeconds(90))) {
          throw new LauncherException(LauncherException.FAILED, "the router of namespace " + session.namespace() + " did not start within 90 s");
        }
        out.println("Router of namespace " + session.namespace() + " running in this JVM.");
        r = new RolesTutorial(base, Duration.ofSeconds(heavyJob), out).run();
      }
      out.println();
      out.println("Done: echo -> " + r.serviceTask().byRelationship() + ", heavy_job -> " + r.serviceTask().task()
          + ", group call -> " + r.relationship().group().results().size() + " instances, load " + r.servedByInstance()
          + ", condition table " + r.eventsByConditions());
      out.flush();
      return 0;
    }
  }
}
