package io.fedstream.proxy;

import io.fedstream.node.Payload;
import java.util.List;

/** A {@link Message} with its session type chosen: a TASK (the default, as in MARO) or a NOTIFICATION. */
public final class SessionMessage extends Message {

  /**
   * A TASK message with fresh ids.
   *
   * @see Message#Message(String, String, String, Object)
   */
  public SessionMessage(String tag, String source, String destination, Object payload) {
    this(tag, source, destination, payload, SessionType.TASK);
  }

  /**
   * A message of the given session type with fresh ids.
   *
   * @see Message#Message(String, String, String, Object)
   */
  public SessionMessage(String tag, String source, String destination, Object payload, SessionType sessionType) {
    super(tag, source, destination, payload, sessionType, null, null, List.of(), null);
  }

  SessionMessage(String tag, String source, String destination, Object payload, SessionType sessionType,
      String sessionId, String messageId, List<Payload> attachments, io.fedstream.node.Message received) {
    super(tag, source, destination, payload, sessionType, sessionId, messageId, attachments, received);
  }

  @Override
  Message copy(String source, String destination, String sessionId, List<Payload> attachments) {
    return new SessionMessage(tag(), source, destination, payload(), sessionType(), sessionId, messageId(),
        attachments, nodeMessage().orElse(null));
  }
}
