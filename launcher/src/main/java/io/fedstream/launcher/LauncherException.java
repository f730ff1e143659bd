package io.fedstream.launcher;

import io.fedstream.schemas.ErrorRegistry;

/**
 * The launcher's one unchecked exception: a failure the user can act on. {@link Main} prints its
 * message (never a stack trace) and exits with {@link #exitCode()}. The statuses are the registry's
 * {@link ErrorRegistry.Scope#EXIT} codes ({@code docs/errors.md}, "Exit statuses").
 */
public class LauncherException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Exit status of a failed command (something did not start, a peer is unreachable). */
  public static final int FAILED = ErrorRegistry.FAILED.exitStatus();
  /** Exit status of bad usage (picocli's convention). */
  public static final int USAGE = ErrorRegistry.USAGE.exitStatus();
  /** Exit status of {@code status} when nothing runs (LSB convention: "program is not running"). */
  public static final int NOT_RUNNING = ErrorRegistry.NOT_RUNNING.exitStatus();

  private final int exitCode;

  /**
   * Creates an exception.
   *
   * @param exitCode the process exit status to use
   * @param message what happened and what to do about it
   */
  public LauncherException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /**
   * Creates an exception with a cause (kept for the log, not printed).
   *
   * @param exitCode the process exit status to use
   * @param message what happened and what to do about it
   * @param cause the underlying failure
   */
  public LauncherException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit status to use. */
  public int exitCode() {
    return exitCode;
  }
}
