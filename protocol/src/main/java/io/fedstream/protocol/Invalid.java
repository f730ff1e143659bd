package io.fedstream.protocol;

import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.FedStreamException;

/** The one failure of the grammar: a {@link FedStreamException} with code {@code INVALID_CONDITION}. */
final class Invalid {

  private Invalid() {
  }

  /** A condition or expression that cannot be parsed; the message says where and how to fix it. */
  static FedStreamException condition(String message) {
    return new FedStreamException(ErrorRegistry.INVALID_CONDITION.name(), message);
  }
}
