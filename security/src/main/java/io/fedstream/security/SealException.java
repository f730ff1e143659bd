package io.fedstream.security;

/**
 * A sealed payload could not be opened. The message fails with this reason and is dead-lettered;
 * the node keeps running. Codes (also in {@code docs/errors.md}):
 * <ul>
 *   <li>{@code BAD_SIGNATURE}: the signature does not verify with the claimed source's public key
 *       (spoofed source, changed identity fields, or a signature by another key);
 *   <li>{@code WRONG_KEY}: nothing in the message is encrypted to this site's current or recent keys
 *       (sent to another site, or to a key retired after rotation);
 *   <li>{@code TAMPERED}: the ciphertext or its framing was changed or cut.
 *   <li>{@code UNKNOWN_SENDER}: no public key is known for the claimed source.
 * </ul>
 */
public final class SealException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a sealed payload did not open. */
  public enum Reason {
    /** The signature does not verify with the claimed source's key. */
    BAD_SIGNATURE,
    /** No wrapped content key opens with this site's keys. */
    WRONG_KEY,
    /** The ciphertext or its framing was changed. */
    TAMPERED,
    /** No public key is known for the claimed source. */
    UNKNOWN_SENDER
  }

  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason the coded reason
   * @param message what happened, naming the message and the sites involved
   */
  public SealException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The coded reason. */
  public Reason reason() {
    return reason;
  }

  @Override
  public String getMessage() {
    return super.getMessage() + " [" + reason + "]";
  }
}
