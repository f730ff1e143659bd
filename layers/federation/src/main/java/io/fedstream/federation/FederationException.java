package io.fedstream.federation;

import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.FedStreamException;
import java.util.List;
import java.util.Optional;

/**
 * A failure of the client/server federation, with a code from {@code docs/errors.md}. Thrown by
 * {@link ClientServerFederation} (set-up, argument checks, a node's failure) and by {@link
 * FederatedNode}'s calls (a stop, a timeout, a bad destination or body).
 */
public class FederationException extends FedStreamException {

  private static final long serialVersionUID = 1L;

  /** A {@code train} argument is unknown, missing, of the wrong type or (across processes) not serialisable. */
  public static final String BAD_ARGUMENTS = ErrorRegistry.BAD_ARGUMENTS.name();
  /** A node class cannot be used: no public no-argument constructor, no single public {@code train}, no parameter names. */
  public static final String BAD_NODE_CLASS = ErrorRegistry.BAD_NODE_CLASS.name();
  /** The federation's shape is wrong: no clients, duplicate ids, roles that do not match the clients. */
  public static final String BAD_FEDERATION = ErrorRegistry.BAD_FEDERATION.name();
  /** A node's {@code train} failed, or a node of another process left; {@link #nodeId()} names it. */
  public static final String NODE_FAILED = ErrorRegistry.NODE_FAILED.name();
  /** The federation stopped while this node was blocked in a call; ends its {@code train}. */
  public static final String STOPPED = ErrorRegistry.STOPPED.name();
  /** Nothing arrived in time (a receive or gather with a timeout, nodes that never became present). */
  public static final String TIMEOUT = ErrorRegistry.TIMEOUT.name();

  /** The codes above, in the registry's order ({@code ErrorRegistry.Scope.FEDERATION}); each has its section in {@code docs/errors.md}. */
  public static final List<String> CODES = ErrorRegistry.codes(ErrorRegistry.Scope.FEDERATION);

  private final String nodeId;

  /**
   * Creates an exception.
   *
   * @param code one of {@link #CODES}
   * @param message what went wrong and what to do about it
   */
  public FederationException(String code, String message) {
    this(code, message, null, null);
  }

  /**
   * Creates an exception about one node.
   *
   * @param code one of {@link #CODES}
   * @param message what went wrong
   * @param nodeId the node it concerns, may be null
   * @param cause the underlying failure, may be null
   */
  public FederationException(String code, String message, String nodeId, Throwable cause) {
    super(code, code + ": " + message, cause);
    this.nodeId = nodeId;
  }

  /** The node the failure concerns, if it concerns one. */
  public Optional<String> nodeId() {
    return Optional.ofNullable(nodeId);
  }
}
