package io.fedstream.platform;

import java.util.Objects;

/**
 * The one unchecked exception of the embedded platform (broker, registry, child JVMs). Its
 * {@link #code()} says what went wrong; the message says what to do about it.
 */
public class PlatformException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Code {
    /** A port the platform needs is taken by another process. The message names the port. */
    PORT_IN_USE,
    /** Kafka's storage tool could not format the data directory. */
    FORMAT_FAILED,
    /** A child process could not be started, or it exited while starting. */
    START_FAILED,
    /** A child process did not become ready within its bound. */
    NOT_READY,
    /** A setting is invalid (for example a negative port). */
    BAD_CONFIG,
    /** A file in the data directory could not be read or written. */
    IO
  }

  private final Code code;

  /**
   * Creates an exception.
   *
   * @param code what went wrong; must not be null
   * @param message what happened and what to do about it
   */
  public PlatformException(Code code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code what went wrong; must not be null
   * @param message what happened and what to do about it
   * @param cause the underlying failure
   */
  public PlatformException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** What went wrong; never null. */
  public Code code() {
    return code;
  }
}
