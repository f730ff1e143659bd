package io.fedstream.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fedstream.projects.ProjectInfo;
import io.fedstream.projects.ProjectsView;
import io.fedstream.projects.Report;
import io.fedstream.projects.RunInfo;
import io.fedstream.projects.SiteInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The routing server's read-only views: {@code fedstream sites}, {@code projects}, {@code runs
 * PROJECT}, {@code logs RUN}. Each prints a table, or JSON with {@code --json}; {@code --follow}
 * keeps printing changes until interrupted (for {@code logs}, until the run is final).
 */
final class ProjectViews {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Duration POLL = Duration.ofSeconds(2);

  private ProjectViews() {
  }

  /** Where the records are, and how to print them. */
  static final class ViewOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
        description = "Kafka cluster (needs --registry); default: the embedded platform of --data-dir.")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", description = "Confluent-compatible schema registry URL.")
    String registry;

    @Option(names = "--namespace", paramLabel = "NAME", defaultValue = EmbeddedPlatform.DEFAULT_NAMESPACE,
        description = "Namespace to look at (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--follow", description = "Keep printing changes until interrupted.")
    boolean follow;

    @Mixin
    PlatformOptions platform;

    ProjectsView view() {
      if ((bootstrap == null) != (registry == null)) {
        throw new LauncherException(LauncherException.USAGE, "--bootstrap and --registry go together.");
      }
      String kafka = bootstrap;
      String reg = registry;
      Map<String, Object> security = Map.of();
      if (kafka == null) {
        // On a secured embedded platform the views read as the operator (User:admin).
        security = SecuredPlatform.operatorSettings(platform.dir());
        EmbeddedPlatform.Endpoints e = EmbeddedPlatform.running(platform.dir()).orElseThrow(() -> new LauncherException(
            LauncherException.NOT_RUNNING, "No platform runs in " + platform.dir().root
                + "; start one with 'fedstream up', or give --bootstrap and --registry."));
        kafka = e.bootstrapServers();
        reg = e.registryUrl();
      }
      Peers.requireKafka(kafka, Duration.ofSeconds(10), security);
      return new ProjectsView(kafka, reg, namespace, security);
    }
  }

  static void print(PrintWriter out, ViewOptions o, Object json, String table) {
    try {
      out.println(o.json ? JSON.writeValueAsString(json) : table);
    } catch (Exception e) {
      throw new LauncherException(LauncherException.FAILED, "could not write JSON: " + e.getMessage());
    }
    out.flush();
  }

  /** Prints once, or with --follow each time the output changes. */
  static int loop(PrintWriter out, ViewOptions o, Supplier<Object> json, Supplier<String> table) throws InterruptedException {
    String last = null;
    do {
      Object j = json.get();
      String t = table.get();
      String key = o.json ? String.valueOf(j) : t;
      if (!key.equals(last)) {
        if (o.follow && last != null) {
          out.println("--- " + Instant.now());
        }
        print(out, o, j, t);
        last = key;
      }
      if (o.follow) {
        Thread.sleep(POLL.toMillis()); // a refresh period, not a wait for a condition
      }
    } while (o.follow);
    return 0;
  }

  static String table(List<String> header, List<List<String>> rows) {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
      for (List<String> r : rows) {
        w[i] = Math.max(w[i], r.get(i).length());
      }
    }
    StringBuilder b = new StringBuilder();
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> r : all) {
      for (int i = 0; i < w.length; i++) {
        b.append(String.format(Locale.ROOT, i == w.length - 1 ? "%s" : "%-" + w[i] + "s  ", r.get(i)));
      }
      b.append('\n');
    }
    if (rows.isEmpty()) {
      b.append("(none)\n");
    }
    return b.toString().stripTrailing();
  }

  static String ago(Instant t) {
    long s = Math.max(0, Duration.between(t, Instant.now()).toSeconds());
    return s < 120 ? s + " s ago" : s / 60 + " min ago";
  }

  static Map<String, Object> json(RunInfo r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("project", r.projectId());
    m.put("number", r.number());
    m.put("state", r.state().name());
    m.put("task", r.currentTask());
    m.put("tasks", r.tasks().stream().map(t -> Map.of("name", t.name(), "type", t.type(), "parameters",
        t.parametersJson())).toList());
    m.put("participants", r.participants().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> e.getValue().name(), (a, b) -> a, LinkedHashMap::new)));
    m.put("reason", r.reason().orElse(null));
    m.put("failedBy", r.failedBy().orElse(null));
    m.put("startedAt", r.startedAt().toString());
    m.put("updatedAt", r.updatedAt().toString());
    return m;
  }

  /** {@code fedstream sites}. */
  @Command(name = "sites", mixinStandardHelpOptions = true,
      description = "The routing server's sites: id, name, CONNECTED or DISCONNECTED, last heartbeat, public key.")
  static final class Sites implements Callable<Integer> {
    @Mixin
    ViewOptions o;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ProjectsView v = o.view();
      return loop(spec.commandLine().getOut(), o, () -> v.sites().stream().map(s -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        m.put("status", s.connected() ? "CONNECTED" : "DISCONNECTED");
        m.put("state", s.state());
        m.put("description", s.description());
        m.put("publicKeyId", s.publicKeyId().orElse(null));
        m.put("publicKeyVersion", s.publicKeyVersion());
        m.put("lastSeenAt", s.lastSeenAt().toString());
        return m;
      }).toList(), () -> table(List.of("SITE", "NAME", "STATUS", "LAST SEEN", "KEY"), v.sites().stream()
          .map((SiteInfo s) -> List.of(s.id(), s.name(), s.connected() ? "CONNECTED" : "DISCONNECTED",
              ago(s.lastSeenAt()), s.publicKeyId().map(k -> k + " v" + s.publicKeyVersion()).orElse("-")))
          .toList()));
    }
  }

  /** {@code fedstream projects}. */
  @Command(name = "projects", mixinStandardHelpOptions = true,
      description = "The routing server's projects: coordinator, participants, tasks, runs.")
  static final class Projects implements Callable<Integer> {
    @Mixin
    ViewOptions o;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ProjectsView v = o.view();
      return loop(spec.commandLine().getOut(), o, () -> v.projects().stream().map(p -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("name", p.name());
        m.put("coordinator", p.coordinator());
        m.put("participants", p.participants());
        m.put("tasks", p.tasks().stream().map(t -> Map.of("name", t.name(), "type", t.type(), "parameters",
            t.parametersJson())).toList());
        m.put("runs", p.runCount());
        return m;
      }).toList(), () -> table(List.of("PROJECT", "NAME", "COORDINATOR", "PARTICIPANTS", "TASKS", "RUNS"),
          v.projects().stream().map((ProjectInfo p) -> List.of(p.id(), p.name(), p.coordinator(),
              String.join(",", p.participants()), p.tasks().stream().map(t -> t.name()).collect(Collectors.joining(",")),
              Integer.toString(p.runCount()))).toList()));
    }
  }

  /** {@code fedstream runs PROJECT}. */
  @Command(name = "runs", mixinStandardHelpOptions = true,
      description = "The runs of a project: state, task, each participant's state and progress, reason.")
  static final class Runs implements Callable<Integer> {
    @Parameters(paramLabel = "PROJECT", description = "The project id.")
    String project;
    @Mixin
    ViewOptions o;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ProjectsView v = o.view();
      return loop(spec.commandLine().getOut(), o, () -> v.runs(project).stream().map(ProjectViews::json).toList(),
          () -> table(List.of("RUN", "STATE", "TASK", "PARTICIPANTS", "REASON"), v.runs(project).stream()
              .map(r -> List.of(r.id(), r.state().name(), (r.currentTask() + 1) + "/" + r.tasks().size()
                  + " " + r.tasks().get(r.currentTask()).name(), participants(v, r), r.reason().orElse("")))
              .toList()));
    }

    private static String participants(ProjectsView v, RunInfo r) {
      Map<String, Double> progress = new LinkedHashMap<>();
      if (!r.state().isFinal()) {
        for (Report rep : v.reports(r.id(), List.copyOf(r.participants().keySet()), false)) {
          if (rep.kind().equals("PROGRESS")) {
            progress.put(rep.siteId(), rep.progress());
          }
        }
      }
      return r.participants().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()
          + Optional.ofNullable(progress.get(e.getKey())).map(p -> String.format(Locale.ROOT, " %.0f%%", p * 100))
              .orElse("")).collect(Collectors.joining(", "));
    }
  }

  /** {@code fedstream logs RUN}. */
  @Command(name = "logs", mixinStandardHelpOptions = true,
      description = "The log lines of a run, of every site in it or of one (--site); --follow until the run is final.")
  static final class Logs implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "The run id, <project>.<number>.")
    String run;
    @Option(names = "--site", paramLabel = "SITE", description = "Only this site's lines.")
    String site;
    @Mixin
    ViewOptions o;
    @Spec
    CommandSpec spec;

    static Map<String, Object> json(Report r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", r.at().toString());
      m.put("site", r.siteId());
      m.put("run", r.runId());
      m.put("level", r.level());
      m.put("task", r.task());
      m.put("message", r.message());
      return m;
    }

    String line(Report r) throws Exception {
      return o.json ? JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json(r))
          : String.format(Locale.ROOT, "%s  %-12s %-5s task %d  %s", r.at(), r.siteId(), r.level(), r.task(), r.message());
    }

    @Override
    public Integer call() throws Exception {
      ProjectsView v = o.view();
      PrintWriter out = spec.commandLine().getOut();
      List<String> sites = site == null ? List.of() : List.of(site);
      if (v.run(run).isEmpty()) {
        throw new LauncherException(LauncherException.FAILED, "No run '" + run + "' in namespace " + o.namespace
            + "; see 'fedstream runs PROJECT'.");
      }
      if (!o.follow) {
        for (Report r : v.reports(run, sites, true)) {
          out.println(line(r));
        }
        out.flush();
        return 0;
      }
      var done = v.watchRun(run).filter(r -> r.state().isFinal()).next().delayElement(POLL);
      for (Report r : v.followReports(run, sites, true).takeUntilOther(done).toIterable()) {
        out.println(line(r));
        out.flush();
      }
      out.println("run " + run + " is " + v.run(run).map(r -> r.state().name()).orElse("?"));
      out.flush();
      return 0;
    }
  }
}
