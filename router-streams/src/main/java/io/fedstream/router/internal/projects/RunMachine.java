package io.fedstream.router.internal.projects;

import static io.fedstream.avro.RunState.AGGREGATING;
import static io.fedstream.avro.RunState.FAILED;
import static io.fedstream.avro.RunState.PENDING_AGGREGATING;
import static io.fedstream.avro.RunState.PENDING_FAILED;
import static io.fedstream.avro.RunState.PENDING_SUCCESS;
import static io.fedstream.avro.RunState.PREPARING;
import static io.fedstream.avro.RunState.RUNNING;
import static io.fedstream.avro.RunState.STANDBY;
import static io.fedstream.avro.RunState.STOPPED;
import static io.fedstream.avro.RunState.SUCCESS;

import io.fedstream.avro.RunState;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The run state machine as one table: every legal transition of a run, what causes it and who
 * may cause it. The router consults nothing else; {@code docs/projects.md} shows the same table
 * ({@link #markdown()}), and a test keeps the two equal.
 */
public final class RunMachine {

  /** What moves a run. Commands have the name of their {@code CommandType}. */
  public enum Cause {
    /** The coordinator's START_RUN. */
    START_RUN,
    /** A participant's PREPARED. */
    PREPARED,
    /** A participant's LOCAL_UPDATE for the current task. */
    LOCAL_UPDATE,
    /** The coordinator's AGGREGATION_STARTED. */
    AGGREGATION_STARTED,
    /** The coordinator's AGGREGATED for the current task. */
    AGGREGATED,
    /** A participant's COMPLETED (it has the final model). */
    COMPLETED,
    /** A member's REPORT_FAILURE. */
    REPORT_FAILURE,
    /** A participant's or the coordinator's ACK_FAILURE. */
    ACK_FAILURE,
    /** A member is DISCONNECTED, left, or was removed while the run is active. */
    MEMBER_LOST,
    /** PENDING_FAILED for longer than the router's pending-failed timeout. */
    TIMEOUT,
    /** The coordinator's STOP_RUN. */
    STOP_RUN
  }

  /** Who may cause a transition. */
  public enum Who {
    /** The project's coordinator. */
    COORDINATOR,
    /** The participants collectively: each reports, the last report moves the run. */
    PARTICIPANTS,
    /** Any member, coordinator or participant. */
    ANY_MEMBER,
    /** The router, on a timeout. */
    ROUTER
  }

  /** When a row applies, beyond its state and cause. */
  public enum Guard {
    /** Always. */
    NONE,
    /** Every participant has made this report (the last one moves the run). */
    ALL_REPORTED,
    /** The current task is not the last one. */
    MORE_TASKS,
    /** The current task is the last one. */
    LAST_TASK,
    /** Sent by the coordinator, or the last participant's acknowledgement. */
    COORDINATOR_OR_ALL
  }

  /**
   * One legal transition.
   *
   * @param from the states it applies in
   * @param cause what causes it
   * @param to the new state
   * @param who who may cause it
   * @param guard the extra condition
   * @param participant what happens to the reporting (or every) participant's own state
   */
  public record Row(Set<RunState> from, Cause cause, RunState to, Who who, Guard guard,
      String participant) {
  }

  /** States in which a run is under way: failures and lost members move it to PENDING_FAILED. */
  public static final Set<RunState> ACTIVE =
      EnumSet.of(PREPARING, RUNNING, PENDING_AGGREGATING, AGGREGATING, PENDING_SUCCESS);

  /** Final states: nothing moves a run out of them, and reports for it are refused. */
  public static final Set<RunState> FINAL = EnumSet.of(SUCCESS, FAILED, STOPPED);

  /** Every legal transition. A run is created in STANDBY by the coordinator's CREATE_RUN. */
  public static final List<Row> TABLE = List.of(
      new Row(EnumSet.of(STANDBY), Cause.START_RUN, PREPARING, Who.COORDINATOR, Guard.NONE,
          "every participant PREPARING"),
      new Row(EnumSet.of(PREPARING), Cause.PREPARED, RUNNING, Who.PARTICIPANTS, Guard.ALL_REPORTED,
          "reporter RUNNING"),
      new Row(EnumSet.of(RUNNING), Cause.LOCAL_UPDATE, PENDING_AGGREGATING, Who.PARTICIPANTS,
          Guard.ALL_REPORTED, "reporter PENDING_AGGREGATING"),
      new Row(EnumSet.of(PENDING_AGGREGATING), Cause.AGGREGATION_STARTED, AGGREGATING,
          Who.COORDINATOR, Guard.NONE, "unchanged"),
      new Row(EnumSet.of(AGGREGATING), Cause.AGGREGATED, RUNNING, Who.COORDINATOR, Guard.MORE_TASKS,
          "every participant RUNNING the next task"),
      new Row(EnumSet.of(AGGREGATING), Cause.AGGREGATED, PENDING_SUCCESS, Who.COORDINATOR,
          Guard.LAST_TASK, "every participant PENDING_SUCCESS"),
      new Row(EnumSet.of(PENDING_SUCCESS), Cause.COMPLETED, SUCCESS, Who.PARTICIPANTS,
          Guard.ALL_REPORTED, "reporter SUCCESS"),
      new Row(ACTIVE, Cause.REPORT_FAILURE, PENDING_FAILED, Who.ANY_MEMBER, Guard.NONE,
          "reporter FAILED"),
      new Row(ACTIVE, Cause.MEMBER_LOST, PENDING_FAILED, Who.ROUTER, Guard.NONE,
          "lost participant FAILED"),
      new Row(EnumSet.of(PENDING_FAILED), Cause.ACK_FAILURE, FAILED, Who.PARTICIPANTS,
          Guard.COORDINATOR_OR_ALL, "reporter FAILED"),
      new Row(EnumSet.of(PENDING_FAILED), Cause.TIMEOUT, FAILED, Who.ROUTER, Guard.NONE,
          "every unfinished participant FAILED"),
      new Row(EnumSet.complementOf(EnumSet.of(SUCCESS, FAILED, STOPPED)), Cause.STOP_RUN, STOPPED,
          Who.COORDINATOR, Guard.NONE, "every unfinished participant STOPPED"));

  private RunMachine() {
  }

  /**
   * The row for a run in {@code from} meeting {@code cause}, choosing between the MORE_TASKS and
   * LAST_TASK rows by {@code lastTask}.
   *
   * @return the row, or empty when the transition is illegal
   */
  public static Optional<Row> find(RunState from, Cause cause, boolean lastTask) {
    return TABLE.stream()
        .filter(r -> r.cause() == cause && r.from().contains(from))
        .filter(r -> r.guard() != Guard.MORE_TASKS || !lastTask)
        .filter(r -> r.guard() != Guard.LAST_TASK || lastTask)
        .findFirst();
  }

  /** The states a cause may move a run out of, for error messages. */
  public static Set<RunState> legalFrom(Cause cause) {
    Set<RunState> s = EnumSet.noneOf(RunState.class);
    TABLE.stream().filter(r -> r.cause() == cause).forEach(r -> s.addAll(r.from()));
    return s;
  }

  /** The table as the Markdown rows of {@code docs/projects.md}. */
  public static List<String> markdown() {
    return TABLE.stream().map(r -> "| " + states(r.from()) + " | `" + r.cause() + "` | `" + r.to()
        + "` | " + r.who().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " | "
        + r.guard().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " | "
        + r.participant() + " |").toList();
  }

  private static String states(Set<RunState> s) {
    if (s.equals(ACTIVE)) {
      return "any active";
    }
    if (s.equals(EnumSet.complementOf(EnumSet.of(SUCCESS, FAILED, STOPPED)))) {
      return "any not final";
    }
    return s.stream().map(x -> "`" + x + "`").reduce((a, b) -> a + ", " + b).orElse("");
  }
}
