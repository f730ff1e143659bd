package io.fedstream.platform;

import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.FedStreamException;

/**
 * A platform process (broker, registry, router) could not be started, reached or stopped.
 *
 * <p>Codes: {@code PORT_IN_USE} (the message names the port), {@code START_FAILED} (the process
 * exited or did not become ready in time; the message quotes the end of its log),
 * {@code NOT_INSTALLED} (a distribution is missing: build the project first), {@code FORMAT_FAILED}
 * (Kafka's storage tool could not format the broker's data directory), {@code BAD_CONFIG} (a setting
 * is invalid; the message says which), {@code IO} (a file in the data directory could not be read or
 * written). The codes are the registry's {@link ErrorRegistry.Scope#PLATFORM} codes; {@code
 * docs/errors.md} says what each means and what to do.
 */
public class PlatformException extends FedStreamException {

  private static final long serialVersionUID = 1L;

  /** A port is taken; the message names it. */
  public static final String PORT_IN_USE = ErrorRegistry.PORT_IN_USE.name();
  /** A process exited or was not ready in time. */
  public static final String START_FAILED = ErrorRegistry.START_FAILED.name();
  /** A distribution or runtime is missing. */
  public static final String NOT_INSTALLED = ErrorRegistry.NOT_INSTALLED.name();

  /** Kafka's storage tool could not format the broker's data directory. */
  public static final String FORMAT_FAILED = ErrorRegistry.FORMAT_FAILED.name();
  /** A setting is invalid; the message says which and how to fix it. */
  public static final String BAD_CONFIG = ErrorRegistry.BAD_CONFIG.name();
  /** A file in the data directory could not be read or written. */
  public static final String IO = ErrorRegistry.IO.name();

  /** Every code this exception uses, in the registry's order; each has its section in {@code docs/errors.md}. */
  public static final java.util.List<String> CODES = ErrorRegistry.codes(ErrorRegistry.Scope.PLATFORM);

  /**
   * Creates an exception.
   *
   * @param code one of the codes above
   * @param message what went wrong and what to do
   */
  public PlatformException(String code, String message) {
    super(code, message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code one of the codes above
   * @param message what went wrong and what to do
   * @param cause the underlying failure
   */
  public PlatformException(String code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
