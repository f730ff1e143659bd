package io.fedstream.security;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The envelope fields a seal binds to: the message id, source, destination (a node, or the group
 * of a broadcast), session id and creation time. They travel in clear (the router routes on them),
 * and the sender's signature and the ciphertext's associated data both cover them: a changed field,
 * or a ciphertext moved into another message, fails to open.
 *
 * @param messageId the message id
 * @param source the sending site or node
 * @param destination the destination node, or the group of a broadcast; empty if none
 * @param sessionId the session id; empty if none
 * @param createdAtMillis creation time, epoch ms
 */
public record Identity(String messageId, String source, String destination, String sessionId, long createdAtMillis) {

  /** Checks the fields; null destination or session become empty. */
  public Identity {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(source, "source");
    destination = destination == null ? "" : destination;
    sessionId = sessionId == null ? "" : sessionId;
  }

  /** The canonical encoding: a label, then each field length-prefixed, then the time. */
  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF("fedstream-identity-v1");
      out.writeUTF(messageId);
      out.writeUTF(source);
      out.writeUTF(destination);
      out.writeUTF(sessionId);
      out.writeLong(createdAtMillis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
