package io.fedstream.router.internal.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Project;
import io.fedstream.avro.ProjectEventType;
import io.fedstream.avro.Run;
import io.fedstream.avro.RunState;
import io.fedstream.avro.Site;
import io.fedstream.avro.SiteCommand;
import io.fedstream.avro.SiteStatus;
import io.fedstream.avro.TaskSpec;
import io.fedstream.router.internal.projects.RunMachine.Cause;
import io.fedstream.schemas.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing server's commands: each checks the sender's authority and membership, the run's
 * state (through {@link RunMachine}) and the command's fields, then changes records in a {@link Tx}.
 * A check that fails throws {@link Reject} before anything changed. Run transitions live in
 * {@link Runs}.
 */
final class Commands {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Tx tx;
  private final String site;
  private final SiteCommand c;
  private final Runs runs;
  /** CREATE_RUN: the new run's id, for the reply. */
  String createdRun;

  Commands(Tx tx, String site, SiteCommand c) {
    this.tx = tx;
    this.site = site;
    this.c = c;
    this.runs = new Runs(tx, c.getCommandId(), c.getType().name(), site);
  }

  /** Applies the command to the transaction, or throws {@link Reject}. */
  void apply() {
    switch (c.getType()) {
      case REGISTER -> register();
      case UPDATE_SITE -> updateSite();
      case HEARTBEAT -> { }
      case CREATE_PROJECT -> createProject();
      case JOIN -> join();
      case LEAVE -> leave();
      case REMOVE_PARTICIPANT -> remove();
      case CREATE_RUN -> createRun();
      default -> runCommand();
    }
  }

  // --- sites -----------------------------------------------------------------------------------

  private void register() {
    String name = blankToNull(c.getName());
    if (name == null) {
      throw new Reject(ErrorCode.CALLER, "MISSING_NAME", "REGISTER needs a display name");
    }
    Site old = tx.site(site);
    java.time.Instant now = tx.at();
    if (old == null) {
      tx.put(Site.newBuilder().setSiteId(site).setName(name)
          .setDescription(c.getDescription() == null ? "" : c.getDescription())
          .setPublicKey(c.getPublicKey()).setPublicKeyId(c.getPublicKeyId())
          .setPublicKeyVersion(c.getPublicKeyVersion()).setStatus(SiteStatus.CONNECTED)
          .setState(c.getState() == null ? "" : c.getState())
          .setRegisteredAt(now).setLastSeenAt(now).setUpdatedAt(now).build());
      return;
    }
    Site.Builder b = Site.newBuilder(old).setName(name).setStatus(SiteStatus.CONNECTED)
        .setLastSeenAt(now).setUpdatedAt(now);
    if (c.getDescription() != null) {
      b.setDescription(c.getDescription());
    }
    if (c.getPublicKey() != null && !c.getPublicKey().equals(old.getPublicKey())) {
      key(old, b);
    }
    tx.put(b.build());
  }

  private void updateSite() {
    Site old = requireSite();
    Site.Builder b = Site.newBuilder(old).setUpdatedAt(tx.at());
    if (blankToNull(c.getName()) != null) {
      b.setName(c.getName());
    }
    if (c.getDescription() != null) {
      b.setDescription(c.getDescription());
    }
    if (c.getState() != null) {
      b.setState(c.getState());
    }
    if (c.getPublicKey() != null) {
      key(old, b);
    }
    tx.put(b.build());
  }

  private void key(Site old, Site.Builder b) {
    if (old.getPublicKey() != null && c.getPublicKeyVersion() <= old.getPublicKeyVersion()) {
      throw new Reject(ErrorCode.ILLEGAL_STATE, "KEY_VERSION", "a new public key needs a version above "
          + old.getPublicKeyVersion() + ", was " + c.getPublicKeyVersion());
    }
    ByteBuffer key = c.getPublicKey();
    b.setPublicKey(key).setPublicKeyId(c.getPublicKeyId()).setPublicKeyVersion(c.getPublicKeyVersion());
  }

  Site requireSite() {
    Site s = tx.site(site);
    if (s == null) {
      throw new Reject(ErrorCode.NOT_FOUND, "UNKNOWN_SITE", "site '" + site + "' is not registered;"
          + " send REGISTER first");
    }
    return s;
  }

  // --- projects --------------------------------------------------------------------------------

  private void createProject() {
    requireSite();
    String id = c.getProjectId();
    try {
      if (id == null || !Topics.requireName("project id", id).equals(id)) {
        throw new IllegalArgumentException("project id '" + id + "' must use [a-z0-9-]");
      }
    } catch (IllegalArgumentException e) {
      throw new Reject(ErrorCode.CALLER, "INVALID_ID", e.getMessage());
    }
    if (tx.project(id) != null) {
      throw new Reject(ErrorCode.ILLEGAL_STATE, "PROJECT_EXISTS", "project '" + id + "' exists");
    }
    if (c.getTasks().isEmpty()) {
      throw new Reject(ErrorCode.CALLER, "NO_TASKS", "a project needs at least one task");
    }
    Set<String> names = new HashSet<>();
    List<TaskSpec> tasks = new ArrayList<>();
    for (TaskSpec t : c.getTasks()) {
      if (blankToNull(t.getName()) == null || blankToNull(t.getTaskType()) == null) {
        throw new Reject(ErrorCode.CALLER, "MALFORMED_TASK", "every task needs a name and a type");
      }
      if (!names.add(t.getName())) {
        throw new Reject(ErrorCode.CALLER, "MALFORMED_TASK", "two tasks are named '" + t.getName() + "'");
      }
      tasks.add(new TaskSpec(t.getName(), t.getTaskType(), object(t.getName(), t.getParametersJson()).toString()));
    }
    java.time.Instant now = tx.at();
    tx.put(Project.newBuilder().setProjectId(id)
        .setName(blankToNull(c.getName()) == null ? id : c.getName())
        .setDescription(c.getDescription() == null ? "" : c.getDescription())
        .setCoordinator(site).setParticipants(new ArrayList<>()).setTasks(tasks).setRunCount(0)
        .setCreatedAt(now).setUpdatedAt(now).build());
    runs.projectEvent(id, ProjectEventType.PROJECT_CREATED, site);
  }

  private void join() {
    requireSite();
    Project p = requireProject(c.getProjectId());
    if (p.getCoordinator().equals(site) || p.getParticipants().contains(site)) {
      throw new Reject(ErrorCode.ILLEGAL_STATE, "ALREADY_MEMBER", "site '" + site
          + "' is already a member of project '" + p.getProjectId() + "'");
    }
    List<String> members = new ArrayList<>(p.getParticipants());
    members.add(site);
    tx.put(Project.newBuilder(p).setParticipants(members).setUpdatedAt(tx.at()).build());
    runs.projectEvent(p.getProjectId(), ProjectEventType.JOINED, site);
  }

  private void leave() {
    Project p = requireProject(c.getProjectId());
    if (p.getCoordinator().equals(site)) {
      throw new Reject(ErrorCode.ILLEGAL_STATE, "COORDINATOR_CANNOT_LEAVE",
          "the coordinator cannot leave its project");
    }
    if (!p.getParticipants().contains(site)) {
      throw notMember(p);
    }
    drop(p, site, ProjectEventType.LEFT, "left the project");
  }

  private void remove() {
    Project p = requireProject(c.getProjectId());
    requireCoordinator(p);
    String target = blankToNull(c.getTarget());
    if (target == null || !p.getParticipants().contains(target)) {
      throw new Reject(ErrorCode.NOT_FOUND, "NOT_A_PARTICIPANT", "'" + target
          + "' is not a participant of project '" + p.getProjectId() + "'");
    }
    drop(p, target, ProjectEventType.REMOVED, "was removed by the coordinator");
  }

  private void drop(Project p, String who, ProjectEventType type, String why) {
    List<String> members = new ArrayList<>(p.getParticipants());
    members.remove(who);
    tx.put(Project.newBuilder(p).setParticipants(members).setUpdatedAt(tx.at()).build());
    runs.projectEvent(p.getProjectId(), type, who);
    runs.memberLost(p.getProjectId(), who, "site '" + who + "' " + why);
  }

  // --- runs ------------------------------------------------------------------------------------

  private void createRun() {
    Project p = requireProject(c.getProjectId());
    requireCoordinator(p);
    if (p.getParticipants().isEmpty()) {
      throw new Reject(ErrorCode.ILLEGAL_STATE, "NO_PARTICIPANTS", "project '" + p.getProjectId()
          + "' has no participants yet");
    }
    runs.requireConnected(p.getParticipants());
    Map<String, ObjectNode> overrides = new LinkedHashMap<>();
    c.getOverrides().forEach((task, json) -> overrides.put(task, object(task, json)));
    List<TaskSpec> tasks = new ArrayList<>();
    for (TaskSpec t : p.getTasks()) {
      ObjectNode params = object(t.getName(), t.getParametersJson());
      ObjectNode o = overrides.remove(t.getName());
      if (o != null) {
        params.setAll(o);
      }
      tasks.add(new TaskSpec(t.getName(), t.getTaskType(), params.toString()));
    }
    if (!overrides.isEmpty()) {
      throw new Reject(ErrorCode.CALLER, "UNKNOWN_TASK", "project '" + p.getProjectId()
          + "' has no task named " + overrides.keySet());
    }
    int n = p.getRunCount() + 1;
    String runId = p.getProjectId() + "." + n;
    Map<String, RunState> states = new LinkedHashMap<>();
    p.getParticipants().forEach(s -> states.put(s, RunState.STANDBY));
    java.time.Instant now = tx.at();
    Run r = Run.newBuilder().setRunId(runId).setProjectId(p.getProjectId()).setNumber(n)
        .setCoordinator(p.getCoordinator()).setState(RunState.STANDBY).setCurrentTask(0)
        .setTasks(tasks).setParticipantStates(states).setStartedAt(now).setUpdatedAt(now).build();
    tx.put(Project.newBuilder(p).setRunCount(n).setUpdatedAt(now).build());
    runs.created(r);
    createdRun = runId;
  }

  private void runCommand() {
    String runId = c.getRunId();
    Run r = runId == null ? null : tx.run(runId);
    if (r == null) {
      throw new Reject(ErrorCode.NOT_FOUND, "UNKNOWN_RUN", "no run '" + runId + "'");
    }
    Project p = requireProject(r.getProjectId());
    boolean coordinator = r.getCoordinator().equals(site);
    boolean participant = r.getParticipantStates().containsKey(site);
    if (!coordinator && !participant) {
      throw notMember(p);
    }
    switch (c.getType()) {
      case START_RUN -> {
        requireCoordinator(p);
        runs.start(r);
      }
      case STOP_RUN -> {
        requireCoordinator(p);
        runs.move(r, Cause.STOP_RUN, null, blankToNull(c.getMessage()) == null
            ? "stopped by the coordinator" : c.getMessage());
      }
      case AGGREGATION_STARTED -> {
        requireCoordinator(p);
        runs.move(r, Cause.AGGREGATION_STARTED, null, null);
      }
      case AGGREGATED -> {
        requireCoordinator(p);
        runs.requireTask(r, c.getTask());
        runs.move(r, Cause.AGGREGATED, null, null);
      }
      case PREPARED -> runs.report(r, requireParticipant(r), Cause.PREPARED);
      case LOCAL_UPDATE -> {
        requireParticipant(r);
        runs.requireTask(r, c.getTask());
        runs.report(r, site, Cause.LOCAL_UPDATE);
      }
      case COMPLETED -> runs.report(r, requireParticipant(r), Cause.COMPLETED);
      case REPORT_FAILURE -> runs.move(r, Cause.REPORT_FAILURE, participant ? site : null,
          blankToNull(c.getMessage()) == null ? "site '" + site + "' reported a failure"
              : c.getMessage());
      case ACK_FAILURE -> {
        if (coordinator) {
          runs.move(r, Cause.ACK_FAILURE, null, null);
        } else {
          runs.report(r, site, Cause.ACK_FAILURE);
        }
      }
      case PROGRESS -> {
        double pr = c.getProgress();
        if (Double.isNaN(pr) || pr < 0 || pr > 1) {
          throw new Reject(ErrorCode.CALLER, "BAD_PROGRESS", "progress must be within 0..1, was " + pr);
        }
        runs.progress(r, pr, c.getMessage() == null ? "" : c.getMessage());
      }
      case LOG -> {
        if (c.getMessage() == null) {
          throw new Reject(ErrorCode.CALLER, "EMPTY_LOG", "LOG needs a message");
        }
        runs.log(r, c.getLevel() == null ? "INFO" : c.getLevel(), c.getMessage());
      }
      default -> throw new Reject(ErrorCode.CALLER, "UNKNOWN_COMMAND", "unknown command " + c.getType());
    }
  }

  // --- checks ----------------------------------------------------------------------------------

  private Project requireProject(String id) {
    Project p = id == null ? null : tx.project(id);
    if (p == null) {
      throw new Reject(ErrorCode.NOT_FOUND, "UNKNOWN_PROJECT", "no project '" + id + "'");
    }
    return p;
  }

  private void requireCoordinator(Project p) {
    if (p.getCoordinator().equals(site)) {
      return;
    }
    if (p.getParticipants().contains(site)) {
      throw new Reject(ErrorCode.FORBIDDEN, "NOT_COORDINATOR", c.getType() + " is the coordinator's ('"
          + p.getCoordinator() + "'); site '" + site + "' is a participant");
    }
    throw notMember(p);
  }

  private String requireParticipant(Run r) {
    if (!r.getParticipantStates().containsKey(site)) {
      throw new Reject(ErrorCode.FORBIDDEN, "NOT_PARTICIPANT", c.getType()
          + " is a participant's report; site '" + site + "' is not a participant of run '"
          + r.getRunId() + "'");
    }
    return site;
  }

  private Reject notMember(Project p) {
    return new Reject(ErrorCode.FORBIDDEN, "NOT_MEMBER", "site '" + site
        + "' is not a member of project '" + p.getProjectId() + "'");
  }

  private static ObjectNode object(String task, String json) {
    try {
      JsonNode n = JSON.readTree(json == null || json.isBlank() ? "{}" : json);
      if (n instanceof ObjectNode o) {
        return o;
      }
    } catch (Exception e) {
      throw new Reject(ErrorCode.CALLER, "MALFORMED_PARAMETERS", "parameters of task '" + task
          + "' are not JSON: " + e.getMessage().split("\n")[0]);
    }
    throw new Reject(ErrorCode.CALLER, "MALFORMED_PARAMETERS", "parameters of task '" + task
        + "' must be a JSON object");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
