package io.fedstream.roles;

/**
 * An internal error of a handler, not due to the caller: what the caller gets when the handler
 * threw anything but a {@link CallerError}, a missing required argument included (error code
 * {@code HANDLER}). The message carries the handler's reason (exception class and message).
 */
public class HandlerError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An error with its reason. */
  public HandlerError(String reason) {
    super(reason);
  }
}
