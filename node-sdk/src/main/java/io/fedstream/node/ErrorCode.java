package io.fedstream.node;

/**
 * Why a call or a message failed. The same codes travel in the envelope's error field, so a
 * node in any language sees them; {@code docs/sdk.md} lists them with what to do about each.
 */
public enum ErrorCode {
  /** A code this SDK does not know (sent by a newer peer). */
  UNKNOWN("the peer sent an error code this SDK does not know; upgrade the SDK"),
  /** The caller sent something the handler rejects: bad args, wrong tag, bad payload. */
  CALLER("the request was invalid for the handler; fix the request"),
  /** The handler failed while processing a valid request. */
  HANDLER("the handler failed; see the reason and the handler's logs"),
  /** No reply (or not enough replies) arrived before the deadline. */
  TIMEOUT("no reply before the deadline; raise the deadline or check that the peer runs"),
  /** The destination node is not alive (no heartbeat within the liveness timeout). */
  NOT_FOUND("the destination is not alive; check its id and that it has started"),
  /** A record could not be decoded (garbage, wrong magic byte, unknown or incompatible schema). */
  DECODE("the record is not a FedStream envelope on the Confluent wire format"),
  /** A chunked payload arrived with a missing or corrupt chunk. */
  CORRUPT_PAYLOAD("a chunk of a large payload was missing or its SHA-256 did not match; resend"),
  /** A subscription or event condition was malformed. */
  INVALID_CONDITION("the condition does not parse; see the condition syntax"),
  /** The router or the node refused the operation. */
  REJECTED("the operation was refused; see the reason"),
  /** The platform (broker, registry) could not be reached. */
  UNAVAILABLE("Kafka or the schema registry could not be reached; check the addresses"),
  /** The operation was cancelled, for example because the node closed. */
  CANCELLED("the operation was cancelled, usually because the node closed"),
  /** The sender lacks the authority (a participant's coordinator command, a non-member's command). */
  FORBIDDEN("the sender may not do this: it is not the coordinator, or not a member; see the reason"),
  /** The command is valid but not now: an illegal transition, a finished run, a site not connected. */
  ILLEGAL_STATE("not allowed in the current state; see the reason and docs/projects.md's state table"),
  /** A command with this id was applied before; it was not applied again. */
  DUPLICATE("a command with this id was already applied; the first outcome stands"),
  /** A sealed message's signature does not verify with its claimed source's key (spoofed or changed). */
  BAD_SIGNATURE("the message is not signed by the source it claims; it was dead-lettered"),
  /** A sealed message is not encrypted to any key this site holds. */
  WRONG_KEY("the message is sealed to another site or to a key retired after rotation; it was dead-lettered"),
  /** A sealed message's ciphertext or framing was changed. */
  TAMPERED("the sealed payload was changed on the way; it was dead-lettered");

  private final String help;

  ErrorCode(String help) {
    this.help = help;
  }

  /** What the code means and what to do about it, in one sentence. */
  public String help() {
    return help;
  }
}
