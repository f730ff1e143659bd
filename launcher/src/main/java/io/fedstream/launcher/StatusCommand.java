package io.fedstream.launcher;

import io.fedstream.launcher.PlatformDir.Part;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedstream status}: what of the embedded platform runs. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show which processes of the embedded platform run, with their pids and addresses.",
        "Exit status: 0 all running and answering, 1 partly running or not answering, 3 not running."})
final class StatusCommand implements Callable<Integer> {

  @Mixin
  DataDirOption data;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PlatformDir dir = data.dir();
    Map<Part, ProcessHandle> live = EmbeddedPlatform.live(dir);
    if (live.isEmpty()) {
      out.println("FedStream is not running in " + dir.root + ". Start it with: fedstream up");
      return LauncherException.NOT_RUNNING;
    }
    Properties state = dir.readState();
    String bootstrap = state.getProperty(PlatformDir.BOOTSTRAP, "?");
    String registry = state.getProperty(PlatformDir.REGISTRY_URL, "?");
    boolean healthy = live.size() == Part.values().length;
    out.println("FedStream in " + dir.root + (state.containsKey(PlatformDir.STARTED_AT)
        ? " (up since " + state.getProperty(PlatformDir.STARTED_AT) + ")" : ""));
    for (Part p : new Part[] {Part.BROKER, Part.REGISTRY, Part.ROUTER}) {
      ProcessHandle h = live.get(p);
      String where;
      String health = "";
      switch (p) {
        case BROKER -> {
          where = bootstrap;
          if (h != null && !answers(bootstrap, dir)) {
            health = "  (not answering)";
            healthy = false;
          }
        }
        case REGISTRY -> {
          where = registry;
          if (h != null && !Peers.registryAnswers(registry, Duration.ofSeconds(3))) {
            health = "  (not answering)";
            healthy = false;
          }
        }
        default -> where = "namespace " + state.getProperty(PlatformDir.NAMESPACE, EmbeddedPlatform.DEFAULT_NAMESPACE);
      }
      out.printf("  %-9s %-8s %-11s %s%s%n", p.id, h == null ? "stopped" : "running",
          h == null ? "" : "pid " + h.pid(), where, health);
    }
    if (!healthy) {
      out.println("Some of it is not running or not answering; see the logs in " + dir.root
          + ", or restart: fedstream down && fedstream up");
    }
    return healthy ? 0 : LauncherException.FAILED;
  }

  private static boolean answers(String bootstrap, PlatformDir dir) {
    try {
      Peers.requireKafka(bootstrap, Duration.ofSeconds(3), SecuredPlatform.operatorSettings(dir));
      return true;
    } catch (LauncherException e) {
      return false;
    }
  }
}
