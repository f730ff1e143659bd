package io.fedstream.projects;

import io.fedstream.avro.CommandReply;
import io.fedstream.avro.CommandType;
import io.fedstream.avro.SiteCommand;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.Payload;
import io.fedstream.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * A site's controller (FriendlyFL): registers the site, creates or joins projects, and as
 * coordinator creates, starts and stops runs and aggregates; as participant reports its progress
 * and sends its local updates. Every command goes to the router on the site's own command topic
 * and completes when the router accepted it; a refusal fails with {@link ProjectException}
 * (code and rule of {@code docs/projects.md}). A command without a reply in the config's command
 * timeout is sent again with the same id (the router applies it once).
 *
 * <p>Call {@link #register()} first. Model updates travel as messages of the site's node (chunked
 * when large), from participant to coordinator and back; the router never reads them.
 */
public final class Site implements AutoCloseable {

  /** Tag of model-update messages between sites. */
  static final String UPDATE_TAG = "fedstream.projects.update";

  private final SiteConfig config;
  private final String id;
  private final String ns;
  private final ProjectsView view;
  private final Node node;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, Sinks.One<CommandReply>> pending = new ConcurrentHashMap<>();
  private final Map<String, Sinks.Many<ModelUpdate>> updates = new ConcurrentHashMap<>();
  private final Disposable.Composite running = Disposables.composite();

  private Site(SiteConfig config) {
    this.config = config;
    this.id = Topics.requireName("site id", config.siteId());
    this.ns = config.node.namespace();
    this.view = new ProjectsView(config.node.bootstrapServers(), config.node.registryUrl(), ns,
        config.node.clientSettings());
    this.node = Node.create(config.node);
    this.producer = SiteTopics.producer(config.node);
  }

  /**
   * A site; nothing is sent before {@link #register()}.
   *
   * @throws IllegalArgumentException when the site id is not a valid name part ({@code [a-z0-9-]})
   */
  public static Site create(SiteConfig config) {
    return new Site(config);
  }

  /** The site id. */
  public String id() {
    return id;
  }

  /** A read-only view of the namespace's sites, projects and runs. */
  public ProjectsView view() {
    return view;
  }

  /**
   * Starts the site's node, creates its topics, starts its heartbeat and registers it (name,
   * description, public key). Registering again updates the record. Fails with {@code UNAVAILABLE}
   * when Kafka or the registry cannot be reached.
   */
  public Mono<SiteInfo> register() {
    return Mono.fromRunnable(() -> SiteTopics.create(config.node, List.of(Topics.siteCommands(ns, id),
            Topics.siteInbox(ns, id), Topics.siteStatus(ns, id), Topics.siteLogs(ns, id))))
        .subscribeOn(Schedulers.boundedElastic())
        .then(node.start())
        .then(Mono.defer(this::startInbox))
        .then(command(SiteCommand.newBuilder().setType(CommandType.REGISTER).setName(config.name)
            .setDescription(config.description)
            .setPublicKey(config.publicKey == null ? null : ByteBuffer.wrap(config.publicKey))
            .setPublicKeyId(config.publicKeyId).setPublicKeyVersion(config.publicKeyVersion)))
        .then(Mono.fromCallable(() -> view.sites().stream().filter(s -> s.id().equals(id)).findFirst()
            .orElseThrow()).subscribeOn(Schedulers.boundedElastic()));
  }

  private Mono<Void> startInbox() {
    if (running.size() > 0) {
      return Mono.empty();
    }
    Sinks.Empty<Void> ready = Sinks.empty();
    String inbox = Topics.siteInbox(ns, id);
    running.add(view.tail().follow(List.of(inbox), true, ready).subscribe(r -> {
      if (r.value() == null) {
        return;
      }
      CommandReply reply = view.wire().replies.decode(inbox, r.value());
      Sinks.One<CommandReply> s = pending.remove(reply.getCommandId());
      if (s != null) {
        s.tryEmitValue(reply);
      }
    }));
    running.add(node.receive().subscribe(m -> {
      if (UPDATE_TAG.equals(m.tag()) && m.arg("run") instanceof String run) {
        Payload p = m.payloads().isEmpty() ? Payload.ofBytes("model", new byte[0]) : m.payloads().get(0);
        long task = m.arg("task") instanceof Long t ? t : 0;
        sink(run).tryEmitNext(new ModelUpdate(run, (int) task, m.source(), Boolean.TRUE.equals(m.arg("global")), p));
      }
    }));
    running.add(Flux.interval(config.heartbeatInterval, config.heartbeatInterval)
        .subscribe(i -> producer.send(record(SiteCommand.newBuilder().setCommandId(UUID.randomUUID().toString())
            .setType(CommandType.HEARTBEAT).setSentAt(Instant.now()).build()))));
    return ready.asMono();
  }

  private Sinks.Many<ModelUpdate> sink(String run) {
    return updates.computeIfAbsent(run, r -> Sinks.many().replay().all());
  }

  private ProducerRecord<String, byte[]> record(SiteCommand c) {
    String topic = Topics.siteCommands(ns, id);
    return new ProducerRecord<>(topic, 0, c.getCommandId(), view.wire().commands.encode(topic, c));
  }

  /** Sends a command (a fresh id, kept across retries) and waits for an accepting reply. */
  private Mono<CommandReply> command(SiteCommand.Builder b) {
    String commandId = UUID.randomUUID().toString();
    b.setCommandId(commandId);
    return Mono.defer(() -> {
      Sinks.One<CommandReply> s = Sinks.one();
      pending.put(commandId, s);
      SiteCommand c = b.setSentAt(Instant.now()).build();
      producer.send(record(c), (md, e) -> {
        if (e != null) {
          s.tryEmitError(new ProjectException(ErrorCode.UNAVAILABLE, "", "could not send " + c.getType()
              + ": " + e.getMessage()));
        }
      });
      // If the reply did not come through the inbox reader in time, look for it once directly
      // (a fresh read of the inbox) before sending the command again.
      return s.asMono().timeout(config.commandTimeout)
          .onErrorResume(TimeoutException.class, t -> Mono.fromCallable(() -> findReply(commandId))
              .subscribeOn(Schedulers.boundedElastic())
              .switchIfEmpty(Mono.error(t)))
          .doFinally(x -> pending.remove(commandId));
    }).retryWhen(Retry.max(2).filter(e -> e instanceof TimeoutException))
        .onErrorMap(e -> Exceptions.isRetryExhausted(e) || e instanceof TimeoutException,
            e -> new ProjectException(ErrorCode.TIMEOUT, "", "no reply from the router to " + b.getType()
                + " within " + config.commandTimeout.multipliedBy(3) + "; is the router running?"))
        .flatMap(r -> {
          if (r.getAccepted()) {
            return Mono.just(r);
          }
          String rule = r.getError().getDetails().getOrDefault("rule", "");
          if (r.getError().getCode() == io.fedstream.avro.ErrorCode.DUPLICATE
              && "ACCEPTED".equals(r.getError().getDetails().get("original"))) {
            return Mono.just(r); // a retry of a command that was applied
          }
          ErrorCode code;
          try {
            code = ErrorCode.valueOf(r.getError().getCode().name());
          } catch (IllegalArgumentException e) {
            code = ErrorCode.UNKNOWN;
          }
          return Mono.error(new ProjectException(code, rule, r.getError().getReason()));
        });
  }

  private CommandReply findReply(String commandId) {
    String inbox = Topics.siteInbox(ns, id);
    CommandReply found = null;
    for (var r : view.tail().readAll(List.of(inbox), Duration.ofSeconds(10))) {
      if (commandId.equals(r.key()) && r.value() != null) {
        found = view.wire().replies.decode(inbox, r.value());
        if (found.getAccepted() || found.getError().getCode() != io.fedstream.avro.ErrorCode.DUPLICATE) {
          return found;
        }
      }
    }
    return found;
  }

  private static final class Exceptions {
    static boolean isRetryExhausted(Throwable t) {
      return reactor.core.Exceptions.isRetryExhausted(t);
    }
  }

  private Mono<Void> run(CommandType type, String runId) {
    return command(SiteCommand.newBuilder().setType(type).setRunId(runId)).then();
  }

  // --- site ------------------------------------------------------------------------------------

  /** Updates the site's description and self-reported state (null: unchanged). */
  public Mono<Void> update(String description, String state) {
    return command(SiteCommand.newBuilder().setType(CommandType.UPDATE_SITE).setDescription(description)
        .setState(state)).then();
  }

  /**
   * Replaces the site's public key; the version must be higher than the current one
   * ({@code ILLEGAL_STATE}, rule {@code KEY_VERSION}, otherwise).
   */
  public Mono<Void> rotateKey(byte[] key, String keyId, int version) {
    return command(SiteCommand.newBuilder().setType(CommandType.UPDATE_SITE).setPublicKey(ByteBuffer.wrap(key.clone()))
        .setPublicKeyId(keyId).setPublicKeyVersion(version)).then();
  }

  // --- projects --------------------------------------------------------------------------------

  /**
   * Creates a project with this site as its coordinator.
   *
   * @param projectId {@code [a-z0-9-]}
   * @param name display name
   * @param tasks the ordered tasks (at least one)
   */
  public Mono<ProjectInfo> createProject(String projectId, String name, List<TaskDef> tasks) {
    return command(SiteCommand.newBuilder().setType(CommandType.CREATE_PROJECT).setProjectId(projectId)
        .setName(name).setTasks(Wire.specs(tasks)))
        .then(Mono.fromCallable(() -> view.project(projectId).orElseThrow()).subscribeOn(Schedulers.boundedElastic()));
  }

  /** Joins a project as a participant (no approval; the coordinator may remove it). */
  public Mono<Void> join(String projectId) {
    return command(SiteCommand.newBuilder().setType(CommandType.JOIN).setProjectId(projectId)).then();
  }

  /** Leaves a project; its active runs with this site fail. */
  public Mono<Void> leave(String projectId) {
    return command(SiteCommand.newBuilder().setType(CommandType.LEAVE).setProjectId(projectId)).then();
  }

  /** Coordinator: removes a participant; its active runs fail. */
  public Mono<Void> remove(String projectId, String site) {
    return command(SiteCommand.newBuilder().setType(CommandType.REMOVE_PARTICIPANT).setProjectId(projectId)
        .setTarget(site)).then();
  }

  /** Every registered site. */
  public Mono<List<SiteInfo>> sites() {
    return Mono.fromCallable(view::sites).subscribeOn(Schedulers.boundedElastic());
  }

  /** Every project. */
  public Mono<List<ProjectInfo>> projects() {
    return Mono.fromCallable(view::projects).subscribeOn(Schedulers.boundedElastic());
  }

  /** The runs of a project. */
  public Mono<List<RunInfo>> runs(String projectId) {
    return Mono.fromCallable(() -> view.runs(projectId)).subscribeOn(Schedulers.boundedElastic());
  }

  /** One run; empty when there is none. */
  public Mono<RunInfo> run(String runId) {
    return Mono.fromCallable(() -> view.run(runId).orElse(null)).subscribeOn(Schedulers.boundedElastic());
  }

  // --- runs: coordinator -----------------------------------------------------------------------

  /**
   * Coordinator: creates a run in STANDBY; refused unless every participant is CONNECTED.
   *
   * @param overrides task name to a JSON object whose keys replace the task's parameters
   */
  public Mono<RunInfo> createRun(String projectId, Map<String, String> overrides) {
    return command(SiteCommand.newBuilder().setType(CommandType.CREATE_RUN).setProjectId(projectId)
        .setOverrides(Map.copyOf(overrides)))
        .flatMap(r -> run(r.getRunId()));
  }

  /** Coordinator: STANDBY to PREPARING. */
  public Mono<Void> startRun(String runId) {
    return run(CommandType.START_RUN, runId);
  }

  /** Coordinator: any unfinished state to STOPPED. */
  public Mono<Void> stopRun(String runId, String reason) {
    return command(SiteCommand.newBuilder().setType(CommandType.STOP_RUN).setRunId(runId).setMessage(reason)).then();
  }

  /** Coordinator: PENDING_AGGREGATING to AGGREGATING. */
  public Mono<Void> aggregationStarted(String runId) {
    return run(CommandType.AGGREGATION_STARTED, runId);
  }

  /**
   * Coordinator: sends the aggregated model of the current task to every participant of the run,
   * then reports AGGREGATED (the run moves to the next task, or to PENDING_SUCCESS after the last).
   */
  public Mono<Void> sendGlobalUpdate(String runId, int task, Payload model) {
    return run(runId).switchIfEmpty(Mono.error(() -> new ProjectException(ErrorCode.NOT_FOUND, "UNKNOWN_RUN",
            "no run '" + runId + "'")))
        .flatMapMany(r -> Flux.fromIterable(r.participants().keySet()))
        .concatMap(p -> node.send(update(runId, task, true, p, model)))
        .then(command(SiteCommand.newBuilder().setType(CommandType.AGGREGATED).setRunId(runId).setTask(task)))
        .then();
  }

  // --- runs: participant -----------------------------------------------------------------------

  /** Participant: prepared for the run (PREPARING; the last one moves the run to RUNNING). */
  public Mono<Void> prepared(String runId) {
    return run(CommandType.PREPARED, runId);
  }

  /**
   * Participant: sends its local update of the current task to the coordinator, then reports
   * LOCAL_UPDATE (the last one moves the run to PENDING_AGGREGATING).
   */
  public Mono<Void> sendLocalUpdate(String runId, int task, Payload model) {
    return run(runId).switchIfEmpty(Mono.error(() -> new ProjectException(ErrorCode.NOT_FOUND, "UNKNOWN_RUN",
            "no run '" + runId + "'")))
        .flatMap(r -> node.send(update(runId, task, false, r.coordinator(), model)))
        .then(command(SiteCommand.newBuilder().setType(CommandType.LOCAL_UPDATE).setRunId(runId).setTask(task)))
        .then();
  }

  /** Participant: has the final model (PENDING_SUCCESS; the last one moves the run to SUCCESS). */
  public Mono<Void> completed(String runId) {
    return run(CommandType.COMPLETED, runId);
  }

  // --- runs: any member ------------------------------------------------------------------------

  /** Reports a failure: the run becomes PENDING_FAILED with this reason. */
  public Mono<Void> reportFailure(String runId, String reason) {
    return command(SiteCommand.newBuilder().setType(CommandType.REPORT_FAILURE).setRunId(runId)
        .setMessage(reason)).then();
  }

  /** Acknowledges a reported failure (the coordinator's ends it at once). */
  public Mono<Void> acknowledgeFailure(String runId) {
    return run(CommandType.ACK_FAILURE, runId);
  }

  /** Reports progress (0..1) with a status line; refused once the run is finished. */
  public Mono<Void> progress(String runId, double fraction, String message) {
    return command(SiteCommand.newBuilder().setType(CommandType.PROGRESS).setRunId(runId).setProgress(fraction)
        .setMessage(message)).then();
  }

  /** Sends a log line; refused once the run is finished. */
  public Mono<Void> log(String runId, String level, String line) {
    return command(SiteCommand.newBuilder().setType(CommandType.LOG).setRunId(runId).setLevel(level)
        .setMessage(line)).then();
  }

  /** The project's events from its creation on, then as they come; never completes by itself. */
  public Flux<RunEvent> events(String projectId) {
    String topic = Topics.projectEvents(ns, projectId);
    return view.tail().follow(List.of(topic), true, null).filter(r -> r.value() != null)
        .map(r -> Wire.event(view.wire().events.decode(topic, r.value())));
  }

  /** Waits until the run satisfies {@code condition}; emits it. Fails with TIMEOUT after the deadline. */
  public Mono<RunInfo> awaitRun(String runId, Predicate<RunInfo> condition, Duration deadline) {
    return view.watchRun(runId).filter(condition).next().timeout(deadline, Mono.error(() -> new ProjectException(
        ErrorCode.TIMEOUT, "", "run '" + runId + "' did not reach the expected state in " + deadline)));
  }

  /** Model updates sent to this site in the run (those that arrived earlier first). */
  public Flux<ModelUpdate> updates(String runId) {
    return sink(runId).asFlux();
  }

  /**
   * Status and progress reports of the run: a coordinator sees every participant's, a participant
   * its own. From the run's start, then as they come.
   */
  public Flux<Report> status(String runId) {
    return reports(runId, false);
  }

  /** Log lines of the run, visible as {@link #status}. */
  public Flux<Report> logs(String runId) {
    return reports(runId, true);
  }

  private Flux<Report> reports(String runId, boolean logs) {
    return run(runId).flatMapMany(r -> view.followReports(runId, r.coordinator().equals(id)
        ? List.copyOf(r.participants().keySet()) : List.of(id), logs));
  }

  private Message update(String runId, int task, boolean global, String to, Payload model) {
    return Message.builder().tag(UPDATE_TAG).to(to).arg("run", runId).arg("task", task).arg("global", global)
        .payload(model).build();
  }

  /** Stops the heartbeat and the site's node and clients; the router marks the site DISCONNECTED later. */
  @Override
  public void close() {
    running.dispose();
    updates.values().forEach(Sinks.Many::tryEmitComplete);
    producer.close(Duration.ofSeconds(5));
    node.close();
  }
}
