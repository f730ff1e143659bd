package io.fedstream.node;

import io.fedstream.schemas.ErrorRegistry;

/**
 * Why a call or a message failed. The same codes travel in the envelope's error field, so a
 * node in any language sees them. They are the registry's envelope codes ({@code
 * ErrorRegistry.codes(Scope.ENVELOPE)}, in its order); {@code docs/errors.md} says what each
 * means and what to do about it.
 */
public enum ErrorCode {
  /** A code this SDK does not know (sent by a newer peer). */
  UNKNOWN,
  /** The caller sent something the handler rejects: bad args, wrong tag, bad payload. */
  CALLER,
  /** The handler failed while processing a valid request. */
  HANDLER,
  /** No reply (or not enough replies) arrived before the deadline. */
  TIMEOUT,
  /** The destination node is not alive (no heartbeat within the liveness timeout). */
  NOT_FOUND,
  /** A record could not be decoded (garbage, wrong magic byte, unknown or incompatible schema). */
  DECODE,
  /** A chunked payload arrived with a missing or corrupt chunk. */
  CORRUPT_PAYLOAD,
  /** A subscription or event condition was malformed. */
  INVALID_CONDITION,
  /** The router or the node refused the operation. */
  REJECTED,
  /** The platform (broker, registry) could not be reached. */
  UNAVAILABLE,
  /** The operation was cancelled, for example because the node closed. */
  CANCELLED,
  /** The sender lacks the authority (a participant's coordinator command, a non-member's command). */
  FORBIDDEN,
  /** The command is valid but not now: an illegal transition, a finished run, a site not connected. */
  ILLEGAL_STATE,
  /** A command with this id was applied before; it was not applied again. */
  DUPLICATE,
  /** A sealed message's signature does not verify with its claimed source's key (spoofed or changed). */
  BAD_SIGNATURE,
  /** A sealed message is not encrypted to any key this site holds. */
  WRONG_KEY,
  /** A sealed message's ciphertext or framing was changed. */
  TAMPERED;

  /**
   * What the code means and what to do about it, in one line, and where its help text is: the
   * registry's summary and its section of {@code docs/errors.md}, for example {@code "... (docs/errors.md#timeout)"}.
   *
   * @return the summary and the anchor of the code's section
   */
  public String help() {
    return ErrorRegistry.valueOf(name()).help();
  }
}
