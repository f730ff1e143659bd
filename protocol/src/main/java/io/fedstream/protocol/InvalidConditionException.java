package io.fedstream.protocol;

import io.fedstream.avro.ErrorCode;
import io.fedstream.schemas.FedStreamException;

/**
 * A subscription condition or a register-table expression that cannot be parsed or evaluated.
 * Its code is always {@link ErrorCode#INVALID_CONDITION}; the router sends the same code and
 * message back to the registering node's mailbox.
 */
public final class InvalidConditionException extends FedStreamException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which condition or expression is wrong, and how to fix it
   */
  public InvalidConditionException(String message) {
    super(ErrorCode.INVALID_CONDITION.name(), message);
  }

  /** Always {@link ErrorCode#INVALID_CONDITION}. */
  public ErrorCode errorCode() {
    return ErrorCode.INVALID_CONDITION;
  }
}
