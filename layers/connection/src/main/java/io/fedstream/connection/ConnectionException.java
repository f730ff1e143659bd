package io.fedstream.connection;

import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.FedStreamException;
import java.util.List;

/**
 * A failure of the instruction/response connection, with a code from {@code docs/errors.md}.
 * {@link ClientProxy#run}, {@link ClientManager#getClients}, {@link Connection#consume} and
 * {@link Connection#dispatch} fail with it.
 */
public class ConnectionException extends FedStreamException {

  private static final long serialVersionUID = 1L;

  /** The client disconnected, died (no heartbeat within the liveness timeout) or reconnected while an instruction waited for its response. */
  public static final String DISCONNECTED = ErrorRegistry.DISCONNECTED.name();
  /** A proxy already runs an instruction for its client; one at a time per client. */
  public static final String BUSY = ErrorRegistry.BUSY.name();
  /** The server or the connection was closed. */
  public static final String CLOSED = ErrorRegistry.CLOSED.name();
  /** An argument was invalid (a minimum below 1, a message without a tag). */
  public static final String BAD_ARGUMENTS = ErrorRegistry.BAD_ARGUMENTS.name();
  /** Nothing came in time: a response, an instruction, or enough clients. */
  public static final String TIMEOUT = ErrorRegistry.TIMEOUT.name();

  /** The codes above, in the registry's order ({@code ErrorRegistry.Scope.CONNECTION}); each has its section in {@code docs/errors.md}. */
  public static final List<String> CODES = ErrorRegistry.codes(ErrorRegistry.Scope.CONNECTION);

  /**
   * Creates an exception.
   *
   * @param code one of {@link #CODES}
   * @param message what went wrong and what to do
   */
  public ConnectionException(String code, String message) {
    super(code, code + ": " + message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code one of {@link #CODES}
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public ConnectionException(String code, String message, Throwable cause) {
    super(code, code + ": " + message, cause);
  }
}
