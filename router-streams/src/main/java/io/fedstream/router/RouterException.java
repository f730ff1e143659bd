package io.fedstream.router;

import io.fedstream.avro.ErrorCode;
import io.fedstream.schemas.FedStreamException;
import java.util.Objects;

/**
 * Root of every exception the router module throws (a {@link FedStreamException}). Each carries the {@link ErrorCode} that the
 * router also puts on the wire when it answers a node, so a failure reads the same in a stack
 * trace and in an error envelope.
 */
public class RouterException extends FedStreamException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /**
   * Creates an exception with a code and a message that says what to fix.
   *
   * @param code the coded reason; must not be null
   * @param message what went wrong, in words a user can act on
   */
  public RouterException(ErrorCode code, String message) {
    super(Objects.requireNonNull(code, "code").name(), message);
    this.code = code;
  }

  /**
   * Creates an exception with a code, a message and a cause.
   *
   * @param code the coded reason; must not be null
   * @param message what went wrong, in words a user can act on
   * @param cause the underlying failure
   */
  public RouterException(ErrorCode code, String message, Throwable cause) {
    super(Objects.requireNonNull(code, "code").name(), message, cause);
    this.code = code;
  }

  /** The coded reason as the wire enum, as sent in {@code Envelope.error.code}. */
  public ErrorCode errorCode() {
    return code;
  }
}
