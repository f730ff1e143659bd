package io.fedstream.schemas.wire;

import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.FedStreamException;

/**
 * A record's bytes are not a value of the expected type on the Confluent wire format. Its code is
 * always {@code DECODE}; {@link #problem()} says what exactly is wrong.
 */
public final class WireFormatException extends FedStreamException {

  private static final long serialVersionUID = 1L;

  /** What is wrong with the bytes. */
  public enum Problem {
    /** Too short, or the Avro body does not decode. */
    GARBAGE,
    /** The first byte is not the magic byte 0. */
    BAD_MAGIC,
    /** The schema id is not known to the registry. */
    UNKNOWN_SCHEMA,
    /** The writer's schema cannot be read as the expected type. */
    INCOMPATIBLE_SCHEMA,
    /** Values nest deeper than {@code Limits.MAX_VALUE_DEPTH} (or too deep to decode at all). */
    TOO_DEEP
  }

  private final Problem problem;

  WireFormatException(Problem problem, String message, Throwable cause) {
    super(ErrorRegistry.DECODE.name(), message, cause);
    this.problem = problem;
  }

  /** What is wrong with the bytes. */
  public Problem problem() {
    return problem;
  }
}
