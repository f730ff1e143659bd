package io.fedstream.launcher;

import io.fedstream.examples.projects.ProjectFlow;
import io.fedstream.platform.BrokerSecurity;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
        + " serve --namespace already).",
        "With --secure (or on a platform started with 'fedstream up --secure'): each site gets its own principal and"
        + " startup kit (as 'fedstream site add'), connects with SASL_SSL and seals every model update end to end;"
        + " joining the project runs the ACL sync. See docs/security.md."})
final class ProjectDemo implements Callable<Integer> {

  @Option(names = "--no-router", description = "Use a router that already serves --namespace.")
  boolean noRouter;

  @Option(names = "--payload-marker", hidden = true, paramLabel = "TEXT",
      description = "Append TEXT to every model payload (tests search disks and topics for it).")
  String marker = "";

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
    if (demo.platform.secure && demo.bootstrap != null) {
      throw new LauncherException(LauncherException.USAGE, "--secure runs on the embedded platform of --data-dir"
          + " (its CA and operator credentials make the sites' kits); leave out --bootstrap and --registry.");
    }
    try (DemoSession session = new DemoSession(demo, out)) {
      String ns = session.namespace();
      BrokerSecurity security = demo.bootstrap == null && BrokerSecurity.isPrepared(session.dir().root)
          ? BrokerSecurity.prepare(session.dir().root) : null;
      if (demo.platform.secure && security == null) {
        throw new LauncherException(LauncherException.USAGE, "the platform running in " + session.dir().root
            + " is not secured; start the demo with --secure on a new --data-dir.");
      }
      SecuredSites secured = null;
      EmbeddedPlatform.Endpoints endpoints = new EmbeddedPlatform.Endpoints(session.bootstrapServers(),
          session.registryUrl(), session.dir().root.toAbsolutePath());
      if (security != null) {
        secured = new SecuredSites(endpoints, security, ns, out);
      }
      Router router = null;
      Path state = null;
      try {
        if (!noRouter) {
          state = Files.createTempDirectory("fedstream-demo-router");
          Map<String, Object> conf = new HashMap<>(Map.of(RouterConfig.BOOTSTRAP_SERVERS, session.bootstrapServers(),
              RouterConfig.REGISTRY_URL, session.registryUrl(), RouterConfig.NAMESPACE, ns,
              RouterConfig.STATE_DIR, state.toString(), RouterConfig.STATE_STORE, "in-memory",
              RouterConfig.INSTANCE_ID, "demo-router", "streams.metadata.max.age.ms", "1000"));
          if (security != null) {
            // The router's own principal, with ACLs on this namespace only.
            SecuredPlatform.grantRouter(session.bootstrapServers(), security, ns);
            conf.putAll(security.clientProperties(security.router()));
          }
          router = Router.start(RouterConfig.of(conf));
          if (!router.awaitRunning(Duration.ofMinutes(2))) {
            throw new LauncherException(LauncherException.FAILED, "the demo's router did not start");
          }
        }
        out.println("Namespace " + ns + " on " + session.bootstrapServers() + "; router "
            + (noRouter ? "already running" : "started in this process")
            + (security != null ? "; secured (router as User:" + BrokerSecurity.ROUTER_USER + ")" : ""));
        out.flush();
        ProjectFlow flow;
        if (secured != null) {
          secured.add(sites());
          flow = new ProjectFlow(secured, out, Duration.ofSeconds(30), null);
        } else {
          flow = new ProjectFlow(session.bootstrapServers(), session.registryUrl(), ns, out, Duration.ofSeconds(30), null);
        }
        ProjectFlow.Result r = flow.payloadMarker(marker).run();
        out.println("Done: run " + r.first().id() + " " + r.first().state() + " (" + r.model() + "), run "
            + r.second().id() + " " + r.second().state() + ": " + r.second().reason().orElse(""));
        if (secured != null) {
          secured.summary().forEach(out::println);
        }
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

  private static List<String> sites() {
    List<String> all = new ArrayList<>(List.of(ProjectFlow.COORDINATOR));
    all.addAll(ProjectFlow.PARTICIPANTS);
    return all;
  }
}
