package io.fedstream.router;

import io.fedstream.avro.ErrorCode;

/**
 * A subscription condition or a register-table expression that cannot be parsed or evaluated.
 * Its code is always {@link ErrorCode#INVALID_CONDITION}; the router sends the same code and
 * message back to the registering node's mailbox.
 */
public final class InvalidConditionException extends RouterException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which condition or expression is wrong, and how to fix it
   */
  public InvalidConditionException(String message) {
    super(ErrorCode.INVALID_CONDITION, message);
  }
}
