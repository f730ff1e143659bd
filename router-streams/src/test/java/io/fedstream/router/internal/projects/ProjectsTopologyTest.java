package io.fedstream.router.internal.projects;

import static io.fedstream.avro.CommandType.ACK_FAILURE;
import static io.fedstream.avro.CommandType.AGGREGATED;
import static io.fedstream.avro.CommandType.AGGREGATION_STARTED;
import static io.fedstream.avro.CommandType.COMPLETED;
import static io.fedstream.avro.CommandType.CREATE_PROJECT;
import static io.fedstream.avro.CommandType.CREATE_RUN;
import static io.fedstream.avro.CommandType.HEARTBEAT;
import static io.fedstream.avro.CommandType.JOIN;
import static io.fedstream.avro.CommandType.LEAVE;
import static io.fedstream.avro.CommandType.LOCAL_UPDATE;
import static io.fedstream.avro.CommandType.LOG;
import static io.fedstream.avro.CommandType.PREPARED;
import static io.fedstream.avro.CommandType.PROGRESS;
import static io.fedstream.avro.CommandType.REGISTER;
import static io.fedstream.avro.CommandType.REMOVE_PARTICIPANT;
import static io.fedstream.avro.CommandType.REPORT_FAILURE;
import static io.fedstream.avro.CommandType.START_RUN;
import static io.fedstream.avro.CommandType.STOP_RUN;
import static io.fedstream.avro.CommandType.UPDATE_SITE;
import static io.fedstream.router.internal.projects.ProjectsDriver.cmd;
import static io.fedstream.router.internal.projects.ProjectsDriver.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.CommandReply;
import io.fedstream.avro.CommandType;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.ProjectEvent;
import io.fedstream.avro.ReportKind;
import io.fedstream.avro.Run;
import io.fedstream.avro.RunState;
import io.fedstream.avro.SiteCommand;
import io.fedstream.avro.SiteReport;
import io.fedstream.avro.SiteStatus;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectsTopologyTest {

  ProjectsDriver d;

  @BeforeEach
  void start(@TempDir Path dir) {
    d = new ProjectsDriver(dir, Map.of());
  }

  @AfterEach
  void stop() {
    d.close();
  }

  static void accepted(CommandReply r) {
    assertTrue(r.getAccepted(), () -> "rejected: " + r.getError());
  }

  /** Asserts a rejection with code and rule, and that no site, project or run record was written. */
  void rejected(String site, SiteCommand.Builder c, ErrorCode code, String rule) {
    int before = d.adminWrites;
    CommandReply r = d.send(site, c);
    assertFalse(r.getAccepted(), () -> c.getType() + " was accepted");
    assertEquals(code, r.getError().getCode(), () -> r.getError().getReason());
    assertEquals(rule, r.getError().getDetails().get("rule"), () -> r.getError().getReason());
    assertEquals(before, d.adminWrites, "a rejected command wrote a record");
  }

  void register(String... sites) {
    for (String s : sites) {
      accepted(d.send(s, cmd(REGISTER).setName("Site " + s)));
    }
  }

  /** c coordinates p (two tasks), a and b participate. */
  void project() {
    register("c", "a", "b");
    accepted(d.send("c", cmd(CREATE_PROJECT).setProjectId("p").setName("P").setTasks(List.of(
        task("train", "{\"epochs\": 2}"), task("evaluate", "{}")))));
    accepted(d.send("a", cmd(JOIN).setProjectId("p")));
    accepted(d.send("b", cmd(JOIN).setProjectId("p")));
  }

  String run() {
    CommandReply r = d.send("c", cmd(CREATE_RUN).setProjectId("p"));
    accepted(r);
    return r.getRunId();
  }

  CommandReply as(String site, CommandType type, String run) {
    return d.send(site, cmd(type).setRunId(run));
  }

  RunState state(String run) {
    return d.runs.get(run).getState();
  }

  @Test
  void sitesRegisterUpdateAndRotateTheirKeyUpward() {
    accepted(d.send("s1", cmd(REGISTER).setName("One").setPublicKey(ByteBuffer.wrap(new byte[] {1}))
        .setPublicKeyId("k1").setPublicKeyVersion(1)));
    assertEquals(SiteStatus.CONNECTED, d.sites.get("s1").getStatus());
    assertEquals("k1", d.sites.get("s1").getPublicKeyId());
    rejected("s1", cmd(UPDATE_SITE).setPublicKey(ByteBuffer.wrap(new byte[] {2})).setPublicKeyVersion(1),
        ErrorCode.ILLEGAL_STATE, "KEY_VERSION");
    accepted(d.send("s1", cmd(UPDATE_SITE).setPublicKey(ByteBuffer.wrap(new byte[] {2}))
        .setPublicKeyId("k2").setPublicKeyVersion(2).setDescription("lab").setState("idle")));
    assertEquals(2, d.sites.get("s1").getPublicKeyVersion());
    assertEquals("lab", d.sites.get("s1").getDescription());
    assertEquals("idle", d.sites.get("s1").getState());
    rejected("s1", cmd(REGISTER), ErrorCode.CALLER, "MISSING_NAME");
    rejected("nobody", cmd(UPDATE_SITE), ErrorCode.NOT_FOUND, "UNKNOWN_SITE");
    rejected("nobody", cmd(CREATE_PROJECT).setProjectId("x").setTasks(List.of(task("t", "{}"))),
        ErrorCode.NOT_FOUND, "UNKNOWN_SITE");
  }

  @Test
  void aSilentSiteIsDisconnectedAndAHeartbeatReconnectsIt() {
    register("s1");
    d.advance(Duration.ofSeconds(30));
    d.sendRaw("s1", d.codec.encode("x", cmd(HEARTBEAT).build()));
    d.advance(Duration.ofSeconds(50));
    assertEquals(SiteStatus.CONNECTED, d.sites.get("s1").getStatus(), "heartbeat 50 s ago");
    assertTrue(d.replies("s1").isEmpty(), "heartbeats get no reply");
    d.advance(Duration.ofSeconds(11));
    assertEquals(SiteStatus.DISCONNECTED, d.sites.get("s1").getStatus());
    d.sendRaw("s1", d.codec.encode("x", cmd(HEARTBEAT).build()));
    assertEquals(SiteStatus.CONNECTED, d.sites.get("s1").getStatus());
  }

  @Test
  void projectsValidateTheirTasksAndMembership() {
    register("c", "a", "x");
    rejected("c", cmd(CREATE_PROJECT).setProjectId("Bad Id").setTasks(List.of(task("t", "{}"))),
        ErrorCode.CALLER, "INVALID_ID");
    rejected("c", cmd(CREATE_PROJECT).setProjectId("p"), ErrorCode.CALLER, "NO_TASKS");
    rejected("c", cmd(CREATE_PROJECT).setProjectId("p").setTasks(List.of(task("t", "{epochs: }"))),
        ErrorCode.CALLER, "MALFORMED_PARAMETERS");
    rejected("c", cmd(CREATE_PROJECT).setProjectId("p").setTasks(List.of(task("t", "[1, 2]"))),
        ErrorCode.CALLER, "MALFORMED_PARAMETERS");
    rejected("c", cmd(CREATE_PROJECT).setProjectId("p").setTasks(List.of(task("t", "{}"), task("t", "{}"))),
        ErrorCode.CALLER, "MALFORMED_TASK");
    rejected("c", cmd(CREATE_PROJECT).setProjectId("p").setTasks(List.of(new io.fedstream.avro.TaskSpec(
        "t", " ", "{}"))), ErrorCode.CALLER, "MALFORMED_TASK");
    accepted(d.send("c", cmd(CREATE_PROJECT).setProjectId("p").setTasks(List.of(task("t", "{}")))));
    assertEquals("c", d.projects.get("p").getCoordinator());
    rejected("a", cmd(CREATE_PROJECT).setProjectId("p").setTasks(List.of(task("t", "{}"))),
        ErrorCode.ILLEGAL_STATE, "PROJECT_EXISTS");
    rejected("a", cmd(JOIN).setProjectId("nope"), ErrorCode.NOT_FOUND, "UNKNOWN_PROJECT");
    accepted(d.send("a", cmd(JOIN).setProjectId("p")));
    rejected("a", cmd(JOIN).setProjectId("p"), ErrorCode.ILLEGAL_STATE, "ALREADY_MEMBER");
    rejected("c", cmd(JOIN).setProjectId("p"), ErrorCode.ILLEGAL_STATE, "ALREADY_MEMBER");
    rejected("c", cmd(LEAVE).setProjectId("p"), ErrorCode.ILLEGAL_STATE, "COORDINATOR_CANNOT_LEAVE");
    rejected("x", cmd(LEAVE).setProjectId("p"), ErrorCode.FORBIDDEN, "NOT_MEMBER");
    rejected("a", cmd(REMOVE_PARTICIPANT).setProjectId("p").setTarget("a"), ErrorCode.FORBIDDEN,
        "NOT_COORDINATOR");
    rejected("c", cmd(REMOVE_PARTICIPANT).setProjectId("p").setTarget("x"), ErrorCode.NOT_FOUND,
        "NOT_A_PARTICIPANT");
    accepted(d.send("c", cmd(REMOVE_PARTICIPANT).setProjectId("p").setTarget("a")));
    assertEquals(List.of(), d.projects.get("p").getParticipants());
    accepted(d.send("a", cmd(JOIN).setProjectId("p")));
    accepted(d.send("a", cmd(LEAVE).setProjectId("p")));
    assertEquals(List.of("PROJECT_CREATED", "JOINED", "REMOVED", "JOINED", "LEFT"),
        d.events("p").stream().map(e -> e.getType().name()).toList());
  }

  @Test
  void createRunNeedsTheCoordinatorParticipantsConnectedAndGoodOverrides() {
    register("c", "a", "b", "x");
    accepted(d.send("c", cmd(CREATE_PROJECT).setProjectId("p").setTasks(List.of(
        task("train", "{\"epochs\": 2, \"lr\": 0.1}"), task("evaluate", "{}")))));
    rejected("c", cmd(CREATE_RUN).setProjectId("p"), ErrorCode.ILLEGAL_STATE, "NO_PARTICIPANTS");
    accepted(d.send("a", cmd(JOIN).setProjectId("p")));
    accepted(d.send("b", cmd(JOIN).setProjectId("p")));
    rejected("a", cmd(CREATE_RUN).setProjectId("p"), ErrorCode.FORBIDDEN, "NOT_COORDINATOR");
    rejected("x", cmd(CREATE_RUN).setProjectId("p"), ErrorCode.FORBIDDEN, "NOT_MEMBER");
    rejected("c", cmd(CREATE_RUN).setProjectId("q"), ErrorCode.NOT_FOUND, "UNKNOWN_PROJECT");
    rejected("c", cmd(CREATE_RUN).setProjectId("p").setOverrides(Map.of("nope", "{}")), ErrorCode.CALLER,
        "UNKNOWN_TASK");
    rejected("c", cmd(CREATE_RUN).setProjectId("p").setOverrides(Map.of("train", "epochs=3")),
        ErrorCode.CALLER, "MALFORMED_PARAMETERS");
    CommandReply r = d.send("c", cmd(CREATE_RUN).setProjectId("p").setOverrides(Map.of("train", "{\"epochs\": 5}")));
    accepted(r);
    assertEquals("p.1", r.getRunId());
    Run run = d.runs.get("p.1");
    assertEquals(RunState.STANDBY, run.getState());
    assertEquals("{\"epochs\":5,\"lr\":0.1}", run.getTasks().get(0).getParametersJson());
    assertEquals(Map.of("a", RunState.STANDBY, "b", RunState.STANDBY), run.getParticipantStates());
    assertEquals(1, d.projects.get("p").getRunCount());

    // b goes silent: create and start are refused until it is back
    for (int i = 0; i < 7; i++) {
      d.advance(Duration.ofSeconds(10));
      d.sendRaw("c", d.codec.encode("x", cmd(HEARTBEAT).build()));
      d.sendRaw("a", d.codec.encode("x", cmd(HEARTBEAT).build()));
    }
    assertEquals(SiteStatus.DISCONNECTED, d.sites.get("b").getStatus());
    rejected("c", cmd(CREATE_RUN).setProjectId("p"), ErrorCode.ILLEGAL_STATE, "NOT_CONNECTED");
    rejected("c", cmd(START_RUN).setRunId("p.1"), ErrorCode.ILLEGAL_STATE, "NOT_CONNECTED");
    d.sendRaw("b", d.codec.encode("x", cmd(HEARTBEAT).build()));
    accepted(d.send("c", cmd(CREATE_RUN).setProjectId("p")));
    assertEquals(RunState.STANDBY, state("p.2"));
  }

  @Test
  void aRunOfTwoTasksReachesSuccessThroughEveryState() {
    project();
    String run = run();
    assertEquals(ErrorCode.FORBIDDEN, as("a", START_RUN, run).getError().getCode());
    accepted(as("c", START_RUN, run));
    assertEquals(RunState.PREPARING, state(run));
    accepted(as("a", PREPARED, run));
    assertEquals(RunState.PREPARING, state(run), "one of two participants is prepared");
    accepted(as("b", PREPARED, run));
    assertEquals(RunState.RUNNING, state(run));
    for (int task = 0; task < 2; task++) {
      accepted(d.send("a", cmd(PROGRESS).setRunId(run).setProgress(0.5).setMessage("epoch 1")));
      accepted(d.send("a", cmd(LOG).setRunId(run).setMessage("loss 0.3")));
      accepted(d.send("a", cmd(LOCAL_UPDATE).setRunId(run).setTask(task)));
      assertEquals(RunState.RUNNING, state(run));
      assertEquals(RunState.PENDING_AGGREGATING, d.runs.get(run).getParticipantStates().get("a"));
      accepted(d.send("b", cmd(LOCAL_UPDATE).setRunId(run).setTask(task)));
      assertEquals(RunState.PENDING_AGGREGATING, state(run));
      accepted(as("c", AGGREGATION_STARTED, run));
      assertEquals(RunState.AGGREGATING, state(run));
      accepted(d.send("c", cmd(AGGREGATED).setRunId(run).setTask(task)));
    }
    assertEquals(RunState.PENDING_SUCCESS, state(run));
    assertEquals(1, d.runs.get(run).getCurrentTask());
    accepted(as("a", COMPLETED, run));
    assertEquals(RunState.PENDING_SUCCESS, state(run));
    accepted(as("b", COMPLETED, run));
    assertEquals(RunState.SUCCESS, state(run));
    assertEquals(Map.of("a", RunState.SUCCESS, "b", RunState.SUCCESS), d.runs.get(run).getParticipantStates());

    List<String> states = d.events("p").stream().filter(e -> e.getType().name().equals("RUN_STATE"))
        .map(e -> e.getState() + "@" + e.getTask()).toList();
    assertEquals(List.of("PREPARING@0", "RUNNING@0", "PENDING_AGGREGATING@0", "AGGREGATING@0",
        "RUNNING@1", "PENDING_AGGREGATING@1", "AGGREGATING@1", "PENDING_SUCCESS@1", "SUCCESS@1"), states);
    // a's status topic has its own progress and states, never b's
    List<SiteReport> aStatus = d.status("a");
    assertTrue(aStatus.stream().allMatch(s -> s.getSiteId().equals("a")));
    assertEquals(2, aStatus.stream().filter(s -> s.getKind() == ReportKind.PROGRESS).count());
    assertEquals(List.of("loss 0.3", "loss 0.3"), d.logs("a").stream().map(SiteReport::getMessage).toList());
    assertTrue(d.logs("b").isEmpty());

    rejected("a", cmd(PROGRESS).setRunId(run).setProgress(1.0), ErrorCode.ILLEGAL_STATE, "RUN_FINISHED");
    rejected("a", cmd(LOG).setRunId(run).setMessage("late"), ErrorCode.ILLEGAL_STATE, "RUN_FINISHED");
    rejected("c", cmd(STOP_RUN).setRunId(run), ErrorCode.ILLEGAL_STATE, "RUN_FINISHED");
    assertTrue(d.status("a").isEmpty() && d.logs("a").isEmpty(), "refused reports are not forwarded");
  }

  @Test
  void aReportedFailureIsPendingUntilEveryParticipantAcknowledges() {
    project();
    String run = run();
    accepted(as("c", START_RUN, run));
    accepted(as("a", PREPARED, run));
    accepted(as("b", PREPARED, run));
    accepted(d.send("b", cmd(REPORT_FAILURE).setRunId(run).setMessage("out of memory")));
    Run r = d.runs.get(run);
    assertEquals(RunState.PENDING_FAILED, r.getState());
    assertEquals("out of memory", r.getReason());
    assertEquals("b", r.getFailedBy());
    assertEquals(RunState.FAILED, r.getParticipantStates().get("b"));
    rejected("b", cmd(ACK_FAILURE).setRunId(run), ErrorCode.ILLEGAL_STATE, "ALREADY_REPORTED");
    rejected("a", cmd(LOCAL_UPDATE).setRunId(run), ErrorCode.ILLEGAL_STATE, "ILLEGAL_TRANSITION");
    accepted(as("a", ACK_FAILURE, run));
    assertEquals(RunState.FAILED, state(run));
    ProjectEvent last = d.events("p").stream().reduce((x, y) -> y).orElseThrow();
    assertEquals(RunState.FAILED, last.getState());
    assertEquals("out of memory", last.getReason(), "the coordinator sees why");
  }

  @Test
  void theCoordinatorOrTheTimeoutEndsAPendingFailure() {
    project();
    String r1 = run();
    accepted(as("c", START_RUN, r1));
    accepted(d.send("c", cmd(REPORT_FAILURE).setRunId(r1).setMessage("aggregation broke")));
    assertEquals(RunState.PENDING_FAILED, state(r1));
    accepted(as("c", ACK_FAILURE, r1));
    assertEquals(RunState.FAILED, state(r1));
    assertEquals(Map.of("a", RunState.FAILED, "b", RunState.FAILED), d.runs.get(r1).getParticipantStates());

    String r2 = run();
    accepted(as("c", START_RUN, r2));
    accepted(d.send("a", cmd(REPORT_FAILURE).setRunId(r2)));
    for (int i = 0; i < 4; i++) {
      d.advance(Duration.ofSeconds(10));
      for (String s : List.of("a", "b", "c")) {
        d.sendRaw(s, d.codec.encode("x", cmd(HEARTBEAT).build()));
      }
    }
    Run r = d.runs.get(r2);
    assertEquals(RunState.FAILED, r.getState());
    assertEquals("site 'a' reported a failure", r.getReason());
  }

  @Test
  void aParticipantLostDuringARunFailsIt() {
    project();
    String r1 = run();
    accepted(as("c", START_RUN, r1));
    accepted(d.send("b", cmd(LEAVE).setProjectId("p")));
    assertEquals(RunState.PENDING_FAILED, state(r1));
    assertEquals("fedstream-router", d.runs.get(r1).getFailedBy());
    assertTrue(d.runs.get(r1).getReason().contains("'b' left"));
    accepted(d.send("b", cmd(JOIN).setProjectId("p")));

    String r2 = run();
    accepted(as("c", START_RUN, r2));
    for (int i = 0; i < 7; i++) {
      d.advance(Duration.ofSeconds(10));
      d.sendRaw("c", d.codec.encode("x", cmd(HEARTBEAT).build()));
      d.sendRaw("b", d.codec.encode("x", cmd(HEARTBEAT).build()));
    }
    assertEquals(SiteStatus.DISCONNECTED, d.sites.get("a").getStatus());
    assertTrue(d.runs.get(r2).getReason().contains("'a' disconnected"), d.runs.get(r2).getReason());
    assertEquals(RunState.FAILED, d.runs.get(r2).getParticipantStates().get("a"));
  }

  @Test
  void theCoordinatorStopsARunInAnyUnfinishedState() {
    project();
    String r1 = run();
    accepted(d.send("c", cmd(STOP_RUN).setRunId(r1).setMessage("wrong data")));
    assertEquals(RunState.STOPPED, state(r1));
    assertEquals("wrong data", d.runs.get(r1).getReason());
    String r2 = run();
    accepted(as("c", START_RUN, r2));
    accepted(as("a", PREPARED, r2));
    rejected("a", cmd(STOP_RUN).setRunId(r2), ErrorCode.FORBIDDEN, "NOT_COORDINATOR");
    accepted(as("c", STOP_RUN, r2));
    assertEquals(Map.of("a", RunState.STOPPED, "b", RunState.STOPPED), d.runs.get(r2).getParticipantStates());
    rejected("a", cmd(PREPARED).setRunId(r2), ErrorCode.ILLEGAL_STATE, "RUN_FINISHED");
  }

  @Test
  void illegalTransitionsAndForeignReportsAreRefused() {
    project();
    register("x");
    String run = run();
    rejected("a", cmd(PREPARED).setRunId(run), ErrorCode.ILLEGAL_STATE, "ILLEGAL_TRANSITION");
    rejected("c", cmd(AGGREGATION_STARTED).setRunId(run), ErrorCode.ILLEGAL_STATE, "ILLEGAL_TRANSITION");
    rejected("x", cmd(START_RUN).setRunId(run), ErrorCode.FORBIDDEN, "NOT_MEMBER");
    rejected("x", cmd(PROGRESS).setRunId(run), ErrorCode.FORBIDDEN, "NOT_MEMBER");
    rejected("c", cmd(START_RUN).setRunId("p.9"), ErrorCode.NOT_FOUND, "UNKNOWN_RUN");
    rejected("c", cmd(START_RUN), ErrorCode.NOT_FOUND, "UNKNOWN_RUN");
    accepted(as("c", START_RUN, run));
    rejected("c", cmd(START_RUN).setRunId(run), ErrorCode.ILLEGAL_STATE, "ILLEGAL_TRANSITION");
    rejected("c", cmd(PREPARED).setRunId(run), ErrorCode.FORBIDDEN, "NOT_PARTICIPANT");
    accepted(as("a", PREPARED, run));
    rejected("a", cmd(PREPARED).setRunId(run), ErrorCode.ILLEGAL_STATE, "ALREADY_REPORTED");
    accepted(as("b", PREPARED, run));
    rejected("a", cmd(LOCAL_UPDATE).setRunId(run).setTask(1), ErrorCode.ILLEGAL_STATE, "WRONG_TASK");
    rejected("a", cmd(COMPLETED).setRunId(run), ErrorCode.ILLEGAL_STATE, "ILLEGAL_TRANSITION");
    rejected("a", cmd(PROGRESS).setRunId(run).setProgress(1.5), ErrorCode.CALLER, "BAD_PROGRESS");
    rejected("a", cmd(LOG).setRunId(run), ErrorCode.CALLER, "EMPTY_LOG");
    rejected("c", cmd(AGGREGATED).setRunId(run), ErrorCode.ILLEGAL_STATE, "ILLEGAL_TRANSITION");
    rejected("a", cmd(ACK_FAILURE).setRunId(run), ErrorCode.ILLEGAL_STATE, "ILLEGAL_TRANSITION");
    accepted(as("a", LOCAL_UPDATE, run));
    rejected("a", cmd(LOCAL_UPDATE).setRunId(run), ErrorCode.ILLEGAL_STATE, "ALREADY_REPORTED");
    assertEquals(RunState.RUNNING, state(run));
  }

  @Test
  void aRetriedCommandIsAppliedOnceAndAnsweredDuplicate() {
    project();
    SiteCommand create = cmd(CREATE_RUN).setProjectId("p").build();
    accepted(d.send("c", create));
    int writes = d.adminWrites;
    int events = d.events("p").size();
    CommandReply again = d.send("c", create);
    assertFalse(again.getAccepted());
    assertEquals(ErrorCode.DUPLICATE, again.getError().getCode());
    assertEquals("ACCEPTED", again.getError().getDetails().get("original"));
    assertEquals("p.1", again.getRunId(), "the retry learns the run it created");
    assertEquals(writes, d.adminWrites);
    assertEquals(0, events - d.events("p").size() + d.events("p").size() - events);
    assertEquals(1, d.projects.get("p").getRunCount());
    assertNull(d.runs.get("p.2"));
    // the same id from another site is another command
    SiteCommand join = cmd(JOIN).setProjectId("p").build();
    register("z");
    accepted(d.send("z", join));
    assertEquals(ErrorCode.ILLEGAL_STATE, d.send("a", join).getError().getCode(), "a is a member already");
  }

  @Test
  void garbageIsDeadLetteredAndTheRouterGoesOn() {
    register("s1");
    d.sendRaw("s1", new byte[] {1, 2, 3});
    d.sendRaw("s1", null);
    assertEquals(2, d.dlq());
    assertTrue(d.replies("s1").isEmpty());
    register("s2");
    assertEquals(SiteStatus.CONNECTED, d.sites.get("s2").getStatus());
  }
}
