package io.fedstream.roles;

/**
 * An error due to the caller (bad arguments, an invalid content format). Thrown by a handler, it
 * reaches the caller as a {@code CallerError} with the same message (error code {@code CALLER}).
 */
public class CallerError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An error with its reason. */
  public CallerError(String reason) {
    super(reason);
  }
}
