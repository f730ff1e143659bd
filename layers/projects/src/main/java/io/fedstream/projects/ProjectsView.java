package io.fedstream.projects;

import io.fedstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import reactor.core.publisher.Flux;

/**
 * A read-only view of the routing server's records: sites, projects, runs, and the status and log
 * lines of runs. It reads the router's topics; it sends nothing. Operators use it through
 * {@code fedstream sites|projects|runs|logs}; a {@link Site} uses it for its listings.
 *
 * <p>What it can read depends on the principal it connects as: with ACLs (the security layer) a
 * site reads only its own status and log topics and, as a coordinator, its participants'.
 */
public final class ProjectsView {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final String namespace;
  private final Wire wire;
  private final Tail tail;

  /**
   * A view of one namespace.
   *
   * @param bootstrapServers Kafka
   * @param registryUrl the schema registry's Confluent-compatible URL
   * @param namespace the namespace
   * @param clientSettings extra Kafka client settings (security), may be empty
   */
  public ProjectsView(String bootstrapServers, String registryUrl, String namespace,
      Map<String, Object> clientSettings) {
    this.namespace = Topics.requireName("namespace", namespace);
    this.wire = new Wire(Objects.requireNonNull(registryUrl, "registryUrl"));
    this.tail = new Tail(Objects.requireNonNull(bootstrapServers, "bootstrapServers"), clientSettings);
  }

  /** The namespace viewed. */
  public String namespace() {
    return namespace;
  }

  private <T> Map<String, T> latest(String topic, java.util.function.Function<byte[], T> decode) {
    Map<String, T> m = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> r : tail.readAll(List.of(topic), READ_TIMEOUT)) {
      if (r.value() == null) {
        m.remove(r.key());
      } else {
        try {
          m.put(r.key(), decode.apply(r.value()));
        } catch (RuntimeException e) {
          // a record this view cannot decode is skipped; the router dead-letters its own bad input
        }
      }
    }
    return m;
  }

  /**
   * Every registered site, by id.
   *
   * @throws org.apache.kafka.common.errors.TimeoutException when Kafka does not answer in 30 s
   */
  public List<SiteInfo> sites() {
    String t = Topics.sites(namespace);
    return latest(t, b -> Wire.site(wire.sites.decode(t, b))).values().stream()
        .sorted(Comparator.comparing(SiteInfo::id)).toList();
  }

  /** Every project, by id. */
  public List<ProjectInfo> projects() {
    String t = Topics.projects(namespace);
    return latest(t, b -> Wire.project(wire.projects.decode(t, b))).values().stream()
        .sorted(Comparator.comparing(ProjectInfo::id)).toList();
  }

  /** One project, if it exists. */
  public Optional<ProjectInfo> project(String projectId) {
    return projects().stream().filter(p -> p.id().equals(projectId)).findFirst();
  }

  /** The runs of a project (all projects when null), by project and number. */
  public List<RunInfo> runs(String projectId) {
    String t = Topics.runs(namespace);
    return latest(t, b -> Wire.run(wire.runs.decode(t, b))).values().stream()
        .filter(r -> projectId == null || r.projectId().equals(projectId))
        .sorted(Comparator.comparing(RunInfo::projectId).thenComparingInt(RunInfo::number)).toList();
  }

  /** One run, if it exists. */
  public Optional<RunInfo> run(String runId) {
    return runs(null).stream().filter(r -> r.id().equals(runId)).findFirst();
  }

  /** The project's events so far, in order (empty when the project has none or does not exist). */
  public List<RunEvent> events(String projectId) {
    String t = Topics.projectEvents(namespace, projectId);
    List<RunEvent> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : tail.readAll(List.of(t), READ_TIMEOUT)) {
      if (r.value() != null) {
        out.add(Wire.event(wire.events.decode(t, r.value())));
      }
    }
    return out;
  }

  /**
   * The run's records as they change: the current one first (if any), then each change; never
   * completes by itself.
   */
  public Flux<RunInfo> watchRun(String runId) {
    String t = Topics.runs(namespace);
    return tail.follow(List.of(t), true, null)
        .filter(r -> runId.equals(r.key()) && r.value() != null)
        .map(r -> Wire.run(wire.runs.decode(t, r.value())));
  }

  /**
   * Log lines (or status reports) of a run so far, from the given sites' topics (every site of the
   * run when {@code sites} is empty), in time order.
   *
   * @param logs true for log lines, false for status and progress reports
   */
  public List<Report> reports(String runId, List<String> sites, boolean logs) {
    List<String> topics = topics(runId, sites, logs);
    List<Report> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : tail.readAll(topics, READ_TIMEOUT)) {
      if (runId.equals(r.key()) && r.value() != null) {
        out.add(Wire.report(wire.reports.decode(r.topic(), r.value())));
      }
    }
    out.sort(Comparator.comparing(Report::at));
    return out;
  }

  /** As {@link #reports}, then every new one as it comes; never completes by itself. */
  public Flux<Report> followReports(String runId, List<String> sites, boolean logs) {
    return tail.follow(topics(runId, sites, logs), true, null)
        .filter(r -> runId.equals(r.key()) && r.value() != null)
        .map(r -> Wire.report(wire.reports.decode(r.topic(), r.value())));
  }

  private List<String> topics(String runId, List<String> sites, boolean logs) {
    List<String> who = new ArrayList<>(sites);
    if (who.isEmpty()) {
      RunInfo run = run(runId).orElseThrow(() -> new ProjectException(io.fedstream.node.ErrorCode.NOT_FOUND,
          "UNKNOWN_RUN", "no run '" + runId + "' in namespace " + namespace));
      who.add(run.coordinator());
      who.addAll(run.participants().keySet());
    }
    return who.stream().map(s -> logs ? Topics.siteLogs(namespace, s) : Topics.siteStatus(namespace, s)).toList();
  }

  // Decoders used by Site.
  Wire wire() {
    return wire;
  }

  Tail tail() {
    return tail;
  }
}
