package io.fedstream.schemas.wire;

import io.fedstream.schemas.FedStreamException;

/**
 * The schema registry could not be reached, refused a request, or does not know a schema.
 *
 * <p>Codes: {@code UNAVAILABLE} (not reachable, or a 5xx answer), {@code REJECTED} (a 4xx answer
 * to a registration, such as an incompatible schema), {@code NOT_FOUND} (no schema with that id).
 */
public final class SchemaRegistryException extends FedStreamException {

  private static final long serialVersionUID = 1L;

  private final int status;

  SchemaRegistryException(String code, int status, String message, Throwable cause) {
    super(code, message, cause);
    this.status = status;
  }

  /** The HTTP status the registry answered with, or -1 when it did not answer. */
  public int status() {
    return status;
  }
}
