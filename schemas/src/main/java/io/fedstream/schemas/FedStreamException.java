package io.fedstream.schemas;

import java.util.Objects;

/**
 * The root of every exception FedStream throws or signals. Each carries a code of the registry
 * {@link ErrorRegistry}, whose help text is in {@code docs/errors.md} (the envelope codes travel in
 * envelopes as {@code ErrorInfo.code}).
 */
public class FedStreamException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;

  /**
   * Creates an exception.
   *
   * @param code the error code, such as {@code DECODE} or {@code TIMEOUT}; never null
   * @param message what went wrong and, where possible, what to do about it
   */
  public FedStreamException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * Creates an exception with a cause.
   *
   * @param code the error code; never null
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public FedStreamException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The error code, the name of one of the {@link ErrorRegistry}'s codes (documented in {@code docs/errors.md}). */
  public String code() {
    return code;
  }
}
