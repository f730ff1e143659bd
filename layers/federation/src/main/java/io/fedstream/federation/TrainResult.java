package io.fedstream.federation;

import java.time.Duration;

/**
 * How a {@link ClientServerFederation#train} ended (a node's failure is thrown instead).
 *
 * @param outcome why it stopped
 * @param serverResult what the server's {@code train} returned (null for void, or if it did not return)
 * @param took from the call to the stop, node start-up included
 */
public record TrainResult(Outcome outcome, Object serverResult, Duration took) {

  /** Why a federation stopped. */
  public enum Outcome {
    /** The server's {@code train} returned. */
    COMPLETED,
    /** {@link ClientServerFederation#stop()} was called. */
    STOPPED,
    /** The federation's deadline passed. */
    DEADLINE
  }
}
