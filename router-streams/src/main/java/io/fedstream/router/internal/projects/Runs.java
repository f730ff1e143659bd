package io.fedstream.router.internal.projects;

import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.ProjectEvent;
import io.fedstream.avro.ProjectEventType;
import io.fedstream.avro.ReportKind;
import io.fedstream.avro.Run;
import io.fedstream.avro.RunState;
import io.fedstream.avro.Site;
import io.fedstream.avro.SiteReport;
import io.fedstream.avro.SiteStatus;
import io.fedstream.router.internal.projects.RunMachine.Cause;
import io.fedstream.router.internal.projects.RunMachine.Row;
import io.fedstream.schemas.RoutedRecords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Moves runs through {@link RunMachine}'s table and writes what each move changes: the run
 * record, a RUN_STATE event on the project's broadcast topic, and a STATE report on the status
 * topic of each participant whose own state changed.
 */
final class Runs {

  private final Tx tx;
  private final String eventIdBase;
  private final String cause;
  private final String by;
  private int seq;

  Runs(Tx tx, String eventIdBase, String cause, String by) {
    this.tx = tx;
    this.eventIdBase = eventIdBase;
    this.cause = cause;
    this.by = by;
  }

  private String eventId() {
    return eventIdBase + ":" + (seq++);
  }

  void projectEvent(String projectId, ProjectEventType type, String site) {
    tx.event(ProjectEvent.newBuilder().setEventId(eventId()).setType(type).setProjectId(projectId)
        .setSite(site).setCause(cause).setBy(by).setAt(tx.at()).build());
  }

  void created(Run r) {
    tx.put(r);
    tx.event(ProjectEvent.newBuilder().setEventId(eventId()).setType(ProjectEventType.RUN_CREATED)
        .setProjectId(r.getProjectId()).setRunId(r.getRunId()).setState(r.getState())
        .setCause(cause).setBy(by).setAt(tx.at()).build());
  }

  /** Refuses unless every named site is CONNECTED. */
  void requireConnected(List<String> sites) {
    List<String> down = new ArrayList<>();
    for (String s : sites) {
      Site x = tx.site(s);
      if (x == null || x.getStatus() != SiteStatus.CONNECTED) {
        down.add(s);
      }
    }
    if (!down.isEmpty()) {
      throw new Reject(ErrorCode.ILLEGAL_STATE, "NOT_CONNECTED", "every participant must be"
          + " CONNECTED; not connected: " + down);
    }
  }

  void requireTask(Run r, int task) {
    if (task >= 0 && task != r.getCurrentTask()) {
      throw new Reject(ErrorCode.ILLEGAL_STATE, "WRONG_TASK", "run '" + r.getRunId() + "' is at task "
          + r.getCurrentTask() + ", the report is for task " + task);
    }
  }

  private Row row(Run r, Cause c) {
    boolean last = r.getCurrentTask() >= r.getTasks().size() - 1;
    return RunMachine.find(r.getState(), c, last).orElseThrow(() -> new Reject(ErrorCode.ILLEGAL_STATE,
        RunMachine.FINAL.contains(r.getState()) ? "RUN_FINISHED" : "ILLEGAL_TRANSITION",
        "run '" + r.getRunId() + "' is " + r.getState() + "; " + c + " is legal only in "
            + RunMachine.legalFrom(c)));
  }

  void start(Run r) {
    row(r, Cause.START_RUN);
    requireConnected(new ArrayList<>(r.getParticipantStates().keySet()));
    move(r, Cause.START_RUN, null, null);
  }

  /**
   * A run-level move: the row's new state; participants' states as the row says.
   *
   * @param reporter the participant whose report it is (its own state changes), or null
   */
  void move(Run r, Cause c, String reporter, String reason) {
    Row row = row(r, c);
    Map<String, RunState> ps = new LinkedHashMap<>(r.getParticipantStates());
    int task = r.getCurrentTask();
    switch (row.to()) {
      case PREPARING -> ps.replaceAll((s, st) -> RunState.PREPARING);
      case RUNNING -> {
        task++;
        ps.replaceAll((s, st) -> RunState.RUNNING);
      }
      case PENDING_SUCCESS -> ps.replaceAll((s, st) -> RunState.PENDING_SUCCESS);
      case STOPPED -> ps.replaceAll((s, st) -> RunMachine.FINAL.contains(st) ? st : RunState.STOPPED);
      case FAILED -> ps.replaceAll((s, st) -> RunMachine.FINAL.contains(st) ? st : RunState.FAILED);
      default -> { }
    }
    if (reporter != null && ps.containsKey(reporter)) {
      ps.put(reporter, RunState.FAILED);
    }
    Run.Builder b = Run.newBuilder(r).setState(row.to()).setParticipantStates(ps).setCurrentTask(task)
        .setUpdatedAt(tx.at());
    if (row.to() == RunState.PENDING_FAILED || row.to() == RunState.STOPPED) {
      b.setReason(reason).setFailedBy(row.who() == RunMachine.Who.ROUTER ? RoutedRecords.ROUTER_SOURCE : by);
    }
    changed(r, b.build(), reason);
  }

  /**
   * A participant's own report: its state moves; the run moves when the row's guard holds (the
   * last participant's report, or for ACK_FAILURE every participant's).
   */
  void report(Run r, String participant, Cause c) {
    Row row = row(r, c);
    RunState mine = r.getParticipantStates().get(participant);
    RunState expected = switch (c) {
      case PREPARED -> RunState.PREPARING;
      case LOCAL_UPDATE -> RunState.RUNNING;
      case COMPLETED -> RunState.PENDING_SUCCESS;
      default -> null;
    };
    RunState next = switch (c) {
      case PREPARED -> RunState.RUNNING;
      case LOCAL_UPDATE -> RunState.PENDING_AGGREGATING;
      case COMPLETED -> RunState.SUCCESS;
      default -> RunState.FAILED;
    };
    if ((expected != null && mine != expected) || (expected == null && mine == next)) {
      throw new Reject(ErrorCode.ILLEGAL_STATE, "ALREADY_REPORTED", "site '" + participant
          + "' is " + mine + " in run '" + r.getRunId() + "'; " + c + " was already reported or is"
          + " not expected now");
    }
    Map<String, RunState> ps = new LinkedHashMap<>(r.getParticipantStates());
    ps.put(participant, next);
    boolean all = ps.values().stream().allMatch(s -> s == next || (c == Cause.ACK_FAILURE
        && RunMachine.FINAL.contains(s)));
    Run.Builder b = Run.newBuilder(r).setParticipantStates(ps).setUpdatedAt(tx.at());
    if (all) {
      b.setState(row.to());
    }
    changed(r, b.build(), null);
  }

  void progress(Run r, double progress, String message) {
    if (RunMachine.FINAL.contains(r.getState())) {
      throw finished(r);
    }
    tx.status(report(r, ReportKind.PROGRESS).setProgress(progress).setMessage(message).build());
  }

  void log(Run r, String level, String line) {
    if (RunMachine.FINAL.contains(r.getState())) {
      throw finished(r);
    }
    tx.log(report(r, ReportKind.LOG).setLevel(level).setMessage(line).build());
  }

  private Reject finished(Run r) {
    return new Reject(ErrorCode.ILLEGAL_STATE, "RUN_FINISHED", "run '" + r.getRunId() + "' is "
        + r.getState() + "; it takes no more reports");
  }

  private SiteReport.Builder report(Run r, ReportKind kind) {
    return SiteReport.newBuilder().setReportId(eventId()).setSiteId(by).setProjectId(r.getProjectId())
        .setRunId(r.getRunId()).setKind(kind).setState(r.getParticipantStates().get(by))
        .setTask(r.getCurrentTask()).setAt(tx.at());
  }

  /** A site left, was removed or disconnected: every active run it takes part in fails. */
  void memberLost(String projectId, String site, String reason) {
    for (Run r : runsOf(projectId)) {
      boolean member = r.getCoordinator().equals(site) || r.getParticipantStates().containsKey(site);
      if (member && RunMachine.ACTIVE.contains(r.getState())) {
        move(r, Cause.MEMBER_LOST, site, reason);
      }
    }
  }

  /** Runs of a project (all projects when null), the transaction's pending changes included. */
  List<Run> runsOf(String projectId) {
    List<Run> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = tx.stores().runs().all()) {
      while (it.hasNext()) {
        Run r = tx.run(it.next().key);
        if (projectId == null || r.getProjectId().equals(projectId)) {
          out.add(r);
        }
      }
    }
    return out;
  }

  private void changed(Run before, Run after, String reason) {
    tx.put(after);
    if (before.getState() != after.getState() || before.getCurrentTask() != after.getCurrentTask()) {
      tx.event(ProjectEvent.newBuilder().setEventId(eventId()).setType(ProjectEventType.RUN_STATE)
          .setProjectId(after.getProjectId()).setRunId(after.getRunId()).setState(after.getState())
          .setPrevious(before.getState()).setTask(after.getCurrentTask()).setCause(cause).setBy(by)
          .setReason(reason != null ? reason : after.getReason()).setAt(tx.at()).build());
    }
    after.getParticipantStates().forEach((s, st) -> {
      if (before.getParticipantStates().get(s) != st) {
        tx.status(SiteReport.newBuilder().setReportId(eventId()).setSiteId(s)
            .setProjectId(after.getProjectId()).setRunId(after.getRunId()).setKind(ReportKind.STATE)
            .setState(st).setTask(after.getCurrentTask()).setMessage(reason == null ? "" : reason)
            .setAt(tx.at()).build());
      }
    });
  }
}
