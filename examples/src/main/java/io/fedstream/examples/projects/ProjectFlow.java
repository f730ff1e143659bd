package io.fedstream.examples.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.Payload;
import io.fedstream.projects.ModelUpdate;
import io.fedstream.projects.ProjectsView;
import io.fedstream.projects.Report;
import io.fedstream.projects.RunEvent;
import io.fedstream.projects.RunInfo;
import io.fedstream.projects.RunStatus;
import io.fedstream.projects.Site;
import io.fedstream.projects.SiteConfig;
import io.fedstream.projects.TaskDef;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * FriendlyFL's flow, ported: three hospitals register; one creates a project with two tasks
 * (train, then evaluate) and coordinates it; the other two join. The first run trains a shared
 * model without any data leaving a site and reaches SUCCESS; in the second run one participant
 * reports a failure, and the run ends FAILED with the reason visible to the coordinator. Every
 * site reacts to the project's events, as a site's controller would.
 */
public final class ProjectFlow {

  /** The project the demo creates. */
  public static final String PROJECT = "readmission";
  /** The coordinator's site id. */
  public static final String COORDINATOR = "hospital-a";
  /** The participants' site ids. */
  public static final List<String> PARTICIPANTS = List.of("hospital-b", "hospital-c");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Sites sites;
  private final PrintWriter out;
  private final Duration commandTimeout;
  private final Consumer<RunEvent> watcher;
  private byte[] marker = new byte[0];

  /**
   * How a site of the flow connects (its node's settings and the public key it registers), and what
   * happens around membership changes. The plain flow uses one set of settings for every site and
   * a placeholder key; the secured demo gives each site its own kit's settings, principal and keys.
   */
  public interface Sites {
    /**
     * The node settings of a site: bootstrap, registry, namespace, the site id as node id, and any
     * security settings and interceptors.
     *
     * @param siteId the site id
     * @return its settings
     */
    NodeConfig node(String siteId);

    /**
     * The public key a site registers (the {@code Site} record's), with its id and version.
     *
     * @param siteId the site id
     * @return the key; the default is a placeholder that no one encrypts to
     */
    default Key publicKey(String siteId) {
      return new Key(("demo-key-of-" + siteId).getBytes(StandardCharsets.UTF_8), siteId + "-k1", 1);
    }

    /**
     * Called once every site is registered (the router's {@code Site} records hold their keys).
     * Default: nothing.
     *
     * @param view the coordinator's view of the namespace
     */
    default void registered(ProjectsView view) {
    }

    /**
     * Called after the project's membership changed (created, joined) and before any site uses
     * what the change gives it. Default: nothing.
     *
     * @param view the coordinator's view of the namespace
     * @param project the project
     * @param members the coordinator and the participants expected now
     */
    default void membershipChanged(ProjectsView view, String project, List<String> members) {
    }
  }

  /**
   * A public key as the {@code Site} record carries it.
   *
   * @param bytes the key
   * @param id its id
   * @param version its version (1 for a first key)
   */
  public record Key(byte[] bytes, String id, int version) {
  }

  /**
   * The outcome.
   *
   * @param first the first run, final
   * @param second the second run, final
   * @param model the model the first run produced
   * @param coordinatorSaw the status and log lines the coordinator read for the first run
   */
  public record Result(RunInfo first, RunInfo second, String model, List<String> coordinatorSaw) {
  }

  /**
   * A flow on a running platform with a router serving {@code namespace}.
   *
   * @param commandTimeout how long a site waits for the router's reply before resending
   * @param watcher called with each event the coordinator sees (the IT uses it to kill the router)
   */
  public ProjectFlow(String bootstrap, String registry, String namespace, PrintWriter out,
      Duration commandTimeout, Consumer<RunEvent> watcher) {
    this(plain(bootstrap, registry, namespace), out, commandTimeout, watcher);
  }

  /**
   * A flow whose sites connect as {@code sites} says (each its own settings, such as a startup
   * kit's credentials and an end-to-end interceptor).
   *
   * @param sites each site's settings and key, and the membership hooks
   * @param commandTimeout how long a site waits for the router's reply before resending
   * @param watcher called with each event the coordinator sees; null for none
   */
  public ProjectFlow(Sites sites, PrintWriter out, Duration commandTimeout, Consumer<RunEvent> watcher) {
    this.sites = Objects.requireNonNull(sites);
    this.out = Objects.requireNonNull(out);
    this.commandTimeout = commandTimeout;
    this.watcher = watcher == null ? e -> { } : watcher;
  }

  /**
   * Puts {@code text} at the end of every model payload the flow sends (after the model's 24
   * bytes, which is all a reader takes), so that a test can search disks and topics for it.
   * Default: nothing.
   *
   * @param text the marker; empty for none
   * @return this flow
   */
  public ProjectFlow payloadMarker(String text) {
    this.marker = text.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  private static Sites plain(String bootstrap, String registry, String namespace) {
    Objects.requireNonNull(bootstrap);
    Objects.requireNonNull(registry);
    Objects.requireNonNull(namespace);
    return id -> NodeConfig.builder().bootstrapServers(bootstrap).registryUrl(registry).namespace(namespace)
        .nodeId(id).build();
  }

  private Site site(String id, String name) {
    Key key = sites.publicKey(id);
    return Site.create(SiteConfig.builder(sites.node(id)).name(name).commandTimeout(commandTimeout)
        .publicKey(key.bytes(), key.id(), key.version()).build());
  }

  private Payload payload(LinearModel m) {
    byte[] b = m.bytes();
    byte[] all = java.util.Arrays.copyOf(b, b.length + marker.length);
    System.arraycopy(marker, 0, all, b.length, marker.length);
    return Payload.ofBytes("model", all);
  }

  private void say(String who, String line) {
    synchronized (out) {
      out.println("[" + who + "] " + line);
      out.flush();
    }
  }

  /**
   * Runs the flow; returns when both runs are final.
   *
   * @throws RuntimeException when a step fails or a run does not finish within 3 minutes
   */
  public Result run() {
    Disposable.Composite reactions = Disposables.composite();
    try (Site a = site(COORDINATOR, "St. Anne (coordinator)"); Site b = site("hospital-b", "Bellevue");
        Site c = site("hospital-c", "Clearwater")) {
      Mono.when(a.register(), b.register(), c.register()).block(Duration.ofMinutes(3));
      say("all", "3 sites registered: " + a.view().sites().stream().map(s -> s.id() + (s.connected() ? " (CONNECTED)" : ""))
          .toList());
      sites.registered(a.view());
      a.createProject(PROJECT, "30-day readmission risk", List.of(
          new TaskDef("train", "train", "{\"epochs\": 40, \"lr\": 0.2}"),
          new TaskDef("evaluate", "evaluate", "{}"))).block(Duration.ofMinutes(2));
      say(a.id(), "created project '" + PROJECT + "' with tasks train, evaluate; I coordinate it");
      sites.membershipChanged(a.view(), PROJECT, List.of(COORDINATOR));
      b.join(PROJECT).then(c.join(PROJECT)).block(Duration.ofMinutes(2));
      say("all", "hospital-b and hospital-c joined");
      List<String> members = new ArrayList<>(List.of(COORDINATOR));
      members.addAll(PARTICIPANTS);
      sites.membershipChanged(a.view(), PROJECT, members);

      reactions.add(a.events(PROJECT).concatMap(e -> coordinate(a, e)).subscribe());
      reactions.add(participant(b, LinearModel.data(11, 200, 0, 1), -1));
      reactions.add(participant(c, LinearModel.data(23, 120, 0.5, 2), 2));

      RunInfo r1 = a.createRun(PROJECT, Map.of("train", "{\"epochs\": 60}")).block(Duration.ofMinutes(2));
      say(a.id(), "run " + r1.id() + " created (" + r1.state() + "), train parameters "
          + r1.tasks().get(0).parametersJson() + "; starting it");
      a.startRun(r1.id()).block(Duration.ofMinutes(2));
      RunInfo done1 = a.awaitRun(r1.id(), r -> r.state().isFinal(), Duration.ofMinutes(3)).block();
      say(a.id(), "run " + done1.id() + " ended " + done1.state());
      List<String> saw = new ArrayList<>();
      for (Report rep : a.view().reports(done1.id(), PARTICIPANTS, false)) {
        if (rep.kind().equals("PROGRESS")) {
          saw.add(rep.siteId() + " " + Math.round(rep.progress() * 100) + "% " + rep.message());
        }
      }
      for (Report rep : a.view().reports(done1.id(), PARTICIPANTS, true)) {
        saw.add(rep.siteId() + " log " + rep.level() + " " + rep.message());
      }
      say(a.id(), "participants' progress and logs I can see: " + saw.size() + " lines");
      saw.forEach(l -> say(a.id(), "  " + l));

      RunInfo r2 = a.createRun(PROJECT, Map.of()).block(Duration.ofMinutes(2));
      say(a.id(), "run " + r2.id() + " created; starting it");
      a.startRun(r2.id()).block(Duration.ofMinutes(2));
      RunInfo done2 = a.awaitRun(r2.id(), r -> r.state().isFinal(), Duration.ofMinutes(3)).block();
      say(a.id(), "run " + done2.id() + " ended " + done2.state() + ": " + done2.reason().orElse("")
          + " (reported by " + done2.failedBy().orElse("?") + ")");
      return new Result(done1, done2, lastModel, saw);
    } finally {
      reactions.dispose();
    }
  }

  private volatile String lastModel = "";

  private Mono<Void> coordinate(Site a, RunEvent e) {
    watcher.accept(e);
    if (!e.type().equals("RUN_STATE") || e.runId().isEmpty()) {
      return Mono.empty();
    }
    String run = e.runId().get();
    RunStatus s = e.state().orElseThrow();
    say(a.id(), "run " + run + " is " + s + " (task " + e.task() + ")" + e.reason().map(r -> ": " + r).orElse(""));
    if (s != RunStatus.PENDING_AGGREGATING) {
      return Mono.empty();
    }
    int task = e.task();
    return a.aggregationStarted(run)
        .then(a.updates(run).filter(u -> !u.global() && u.task() == task).take(PARTICIPANTS.size()).collectList())
        .flatMap(ups -> {
          List<LinearModel> models = ups.stream().map(u -> LinearModel.of(u.payload().bytes())).toList();
          LinearModel avg;
          if (task == 0) {
            avg = LinearModel.average(models);
            lastModel = avg.toString();
            say(a.id(), "aggregated " + ups.size() + " local updates (FedAvg): " + avg);
          } else {
            double n = models.stream().mapToDouble(m -> m.n).sum();
            double mse = models.stream().mapToDouble(m -> m.w * m.n).sum() / n;
            say(a.id(), String.format(Locale.ROOT, "evaluation: weighted MSE %.4f over %.0f samples", mse, n));
            avg = LinearModel.average(List.of(global));
          }
          global = avg;
          return a.sendGlobalUpdate(run, task, payload(avg));
        })
        .onErrorResume(err -> {
          say(a.id(), "aggregation of " + run + " failed: " + err.getMessage());
          return Mono.empty();
        });
  }

  private volatile LinearModel global = LinearModel.zero();

  private Disposable participant(Site p, double[][] data, int failOnRun) {
    return p.events(PROJECT).concatMap(e -> {
      if (!e.type().equals("RUN_STATE") || e.runId().isEmpty()) {
        return Mono.<Void>empty();
      }
      String run = e.runId().get();
      RunStatus s = e.state().orElseThrow();
      Mono<Void> step = switch (s) {
        case PREPARING -> p.prepared(run);
        case RUNNING -> run.endsWith("." + failOnRun)
            ? Mono.fromRunnable(() -> say(p.id(), "cannot read the local dataset; reporting a failure"))
                .then(p.reportFailure(run, "hospital-c: local dataset unreadable (checksum mismatch in"
                    + " admissions.parquet)"))
            : work(p, run, e.task(), data);
        case PENDING_SUCCESS -> p.completed(run);
        case PENDING_FAILED -> e.by().equals(p.id()) ? Mono.empty() : p.acknowledgeFailure(run);
        default -> Mono.empty();
      };
      return step.onErrorResume(err -> {
        say(p.id(), s + " of " + run + ": " + err.getMessage());
        return Mono.empty();
      });
    }).subscribe();
  }

  private Mono<Void> work(Site p, String run, int task, double[][] data) {
    return p.run(run).flatMap(r -> {
      TaskDef t = r.tasks().get(task);
      Mono<LinearModel> start = task == 0 ? Mono.just(LinearModel.zero())
          : p.updates(run).filter(u -> u.global() && u.task() == task - 1).next().map(this::model);
      return start.flatMap(m -> {
        if (t.type().equals("evaluate")) {
          double mse = m.mse(data);
          return p.log(run, "INFO", String.format(Locale.ROOT, "evaluated %s: MSE %.4f on %d samples", m, mse,
                  data.length))
              .then(p.progress(run, 1.0, "evaluated"))
              .then(p.sendLocalUpdate(run, task, payload(new LinearModel(mse, 0, data.length))));
        }
        JsonNode params = parse(t.parametersJson());
        int epochs = params.path("epochs").asInt(10);
        double lr = params.path("lr").asDouble(0.1);
        LinearModel half = m.train(data, epochs / 2, lr);
        LinearModel full = half.train(data, epochs - epochs / 2, lr);
        return p.progress(run, 0.5, "epoch " + epochs / 2 + "/" + epochs)
            .then(p.progress(run, 1.0, "epoch " + epochs + "/" + epochs))
            .then(p.log(run, "INFO", String.format(Locale.ROOT, "trained %d epochs on %d samples: %s, MSE %.4f",
                epochs, data.length, full, full.mse(data))))
            .then(p.sendLocalUpdate(run, task, payload(full)))
            .doOnSuccess(x -> say(p.id(), "sent local update for task " + task + " of " + run));
      });
    });
  }

  private LinearModel model(ModelUpdate u) {
    return LinearModel.of(u.payload().bytes());
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }
}
