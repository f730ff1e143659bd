package io.fedstream.proxy;

import java.util.Optional;

/** Proxy messages to node messages and back. */
final class Convert {

  /** Marks a {@link SessionMessage} on the wire, so the receiver gets the same class. */
  static final String ATTR_SESSION_MESSAGE = "proxy.session-message";
  /** On a reply: when the receiver handed the request to its code (epoch millis). */
  static final String ATTR_WORKING_SINCE = "proxy.working-since";
  /** The argument the payload travels in. */
  static final String PAYLOAD_ARG = "payload";

  private Convert() {
  }

  static io.fedstream.node.Message.Builder toNode(Message m) {
    io.fedstream.node.Message.Builder b = io.fedstream.node.Message.builder().id(m.messageId())
        .sessionId(m.sessionId()).sessionType(nodeType(m.sessionType())).tag(m.tag())
        .to(m.destination());
    if (m.payload() != null) {
      b.arg(PAYLOAD_ARG, m.payload());
    }
    m.attachments().forEach(b::payload);
    if (m instanceof SessionMessage) {
      b.attribute(ATTR_SESSION_MESSAGE, "1");
    }
    return b;
  }

  static Message fromNode(io.fedstream.node.Message n) {
    SessionType type = n.sessionType() == io.fedstream.node.Message.SessionType.TASK
        ? SessionType.TASK : SessionType.NOTIFICATION;
    String dest = n.destination().orElse(null);
    if (n.attributes().containsKey(ATTR_SESSION_MESSAGE) || type == SessionType.TASK) {
      return new SessionMessage(n.tag(), n.source(), dest, n.arg(PAYLOAD_ARG), type, n.sessionId(), n.id(),
          n.payloads(), n);
    }
    return new Message(n.tag(), n.source(), dest, n.arg(PAYLOAD_ARG), type, n.sessionId(), n.id(), n.payloads(), n);
  }

  static io.fedstream.node.Message.SessionType nodeType(SessionType t) {
    return t == SessionType.TASK ? io.fedstream.node.Message.SessionType.TASK
        : io.fedstream.node.Message.SessionType.NOTIFICATION;
  }

  static Optional<java.time.Instant> workingSince(io.fedstream.node.Message reply) {
    String v = reply.attributes().get(ATTR_WORKING_SINCE);
    try {
      return v == null ? Optional.empty() : Optional.of(java.time.Instant.ofEpochMilli(Long.parseLong(v)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static boolean isReply(io.fedstream.node.Message n) {
    return n.kind() == io.fedstream.node.Message.Kind.REPLY && n.inReplyTo().isPresent();
  }
}
