package io.fedstream.projects;

/**
 * A run's state, or one participant's state within a run (FriendlyFL's run states, plus STOPPED
 * for a coordinator's stop). {@code docs/projects.md} has the table of legal moves.
 */
public enum RunStatus {
  /** Created, not started. */
  STANDBY,
  /** Started; participants prepare (load data, build the model). */
  PREPARING,
  /** Participants train the current task. */
  RUNNING,
  /** The last task is aggregated; participants confirm they have the final model. */
  PENDING_SUCCESS,
  /** Every participant has sent its local update; the coordinator is about to aggregate. */
  PENDING_AGGREGATING,
  /** The coordinator aggregates. */
  AGGREGATING,
  /** Final: every participant confirmed. */
  SUCCESS,
  /** A failure was reported; waiting for the participants (or the coordinator) to acknowledge. */
  PENDING_FAILED,
  /** Final: the run failed; {@link RunInfo#reason()} says why. */
  FAILED,
  /** Final: the coordinator stopped the run. */
  STOPPED;

  /** Whether nothing moves a run out of this state. */
  public boolean isFinal() {
    return this == SUCCESS || this == FAILED || this == STOPPED;
  }
}
