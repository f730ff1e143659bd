package io.fedstream.node;

import io.fedstream.schemas.FedStreamException;
import java.util.Objects;

/**
 * The root of every failure the SDK reports (a {@link FedStreamException}). It carries an {@link ErrorCode}; the subclasses
 * exist so that callers can catch the common cases by type. Failures arrive as Reactor
 * {@code onError} signals; only argument checks throw directly (as {@link IllegalArgumentException}).
 */
public class NodeException extends FedStreamException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String reason;

  /**
   * Creates an exception.
   *
   * @param code the code; never null
   * @param reason what went wrong, in words a user can act on
   */
  public NodeException(ErrorCode code, String reason) {
    this(code, reason, null);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code the code; never null
   * @param reason what went wrong
   * @param cause the underlying failure, may be null
   */
  public NodeException(ErrorCode code, String reason, Throwable cause) {
    super(Objects.requireNonNull(code, "code").name(), code + ": " + reason, cause);
    this.code = code;
    this.reason = reason == null ? "" : reason;
  }

  /** What went wrong, without the code prefix. */
  public String reason() {
    return reason;
  }

  /** The error code as an enum ({@link #code()} gives its name). */
  public ErrorCode errorCode() {
    return code;
  }

  /**
   * Builds the most specific exception for a code: {@link CallerException}, {@link
   * HandlerException}, {@link DeadlineExceededException}, {@link NotFoundException}, {@link
   * InvalidConditionException}, {@link RejectedException} or a plain
   * {@code NodeException}.
   *
   * @param code the code
   * @param reason the reason
   * @return a new exception
   */
  public static NodeException of(ErrorCode code, String reason) {
    switch (code) {
      case CALLER: return new CallerException(reason);
      case HANDLER: return new HandlerException(reason);
      case TIMEOUT: return new DeadlineExceededException(reason);
      case NOT_FOUND: return new NotFoundException(reason);
      case INVALID_CONDITION: return new InvalidConditionException(reason);
      case REJECTED: return new RejectedException(reason);
      default: return new NodeException(code, reason);
    }
  }

  /** The request was invalid for its handler ({@link ErrorCode#CALLER}). */
  public static class CallerException extends NodeException {
    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong with the request */
    public CallerException(String reason) {
      super(ErrorCode.CALLER, reason);
    }
  }

  /** The handler failed on a valid request ({@link ErrorCode#HANDLER}). */
  public static class HandlerException extends NodeException {
    private static final long serialVersionUID = 1L;

    /** @param reason what failed */
    public HandlerException(String reason) {
      super(ErrorCode.HANDLER, reason);
    }
  }

  /** No reply arrived before the deadline ({@link ErrorCode#TIMEOUT}). */
  public static class DeadlineExceededException extends NodeException {
    private static final long serialVersionUID = 1L;

    /** @param reason what was waited for */
    public DeadlineExceededException(String reason) {
      super(ErrorCode.TIMEOUT, reason);
    }
  }

  /** The destination is not alive ({@link ErrorCode#NOT_FOUND}). */
  public static class NotFoundException extends NodeException {
    private static final long serialVersionUID = 1L;

    /** @param reason which node was not found */
    public NotFoundException(String reason) {
      super(ErrorCode.NOT_FOUND, reason);
    }
  }

  /**
   * A subscription's conditions or a register-table expression do not parse ({@link
   * ErrorCode#INVALID_CONDITION}): the router rejected them, or the SDK refused them before
   * sending ({@link RegisterExpression#parse}, {@link Node#register}). The one exception of this
   * name: the shared grammar (module {@code protocol}) fails with a {@link FedStreamException} of
   * the same code, which the SDK turns into this.
   */
  public static class InvalidConditionException extends NodeException {
    private static final long serialVersionUID = 1L;

    /** @param reason what does not parse, as the router said */
    public InvalidConditionException(String reason) {
      super(ErrorCode.INVALID_CONDITION, reason);
    }
  }

  /** The router (or a node) refused the operation, for example a bad name ({@link ErrorCode#REJECTED}). */
  public static class RejectedException extends NodeException {
    private static final long serialVersionUID = 1L;

    /** @param reason why it was refused */
    public RejectedException(String reason) {
      super(ErrorCode.REJECTED, reason);
    }
  }
}
