package io.fedstream.proxy;

import io.fedstream.node.Payload;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * MARO's message: a tag, a source, a destination and a payload, with a generated session id and
 * message id. Immutable. A plain message is a {@link SessionType#NOTIFICATION}; {@link
 * SessionMessage} chooses the session type.
 *
 * <p>The payload travels as the node message's JSON-like argument {@code payload} ({@code null},
 * Boolean, Integer/Long, Float/Double, String, byte[], List, Map&lt;String,?&gt;), so the router and
 * non-Java peers can read it. Large binary content goes in {@link #attachments()}: node {@link
 * Payload}s, which travel as chunks past the chunk size and arrive as files.
 */
public class Message {

  private final String tag;
  private final String source;
  private final String destination;
  private final Object payload;
  private final String sessionId;
  private final String messageId;
  private final SessionType sessionType;
  private final List<Payload> attachments;
  private final io.fedstream.node.Message received;

  /**
   * A notification message with fresh ids.
   *
   * @param tag what it is about; register table events match it
   * @param source the sender's name; {@code null} lets the proxy fill in its own
   * @param destination the receiver's name; {@code null} for broadcasts
   * @param payload a JSON-like value, or {@code null}
   * @throws IllegalArgumentException if the tag is blank
   */
  public Message(String tag, String source, String destination, Object payload) {
    this(tag, source, destination, payload, SessionType.NOTIFICATION, null, null, List.of(), null);
  }

  Message(String tag, String source, String destination, Object payload, SessionType sessionType,
      String sessionId, String messageId, List<Payload> attachments, io.fedstream.node.Message received) {
    if (tag == null || tag.isBlank()) {
      throw new IllegalArgumentException("A message needs a tag, e.g. \"check_in\".");
    }
    this.tag = tag;
    this.source = source;
    this.destination = destination;
    this.payload = payload;
    this.sessionType = Objects.requireNonNull(sessionType, "sessionType");
    this.sessionId = sessionId == null ? UUID.randomUUID().toString() : sessionId;
    this.messageId = messageId == null ? UUID.randomUUID().toString() : messageId;
    this.attachments = List.copyOf(attachments);
    this.received = received;
  }

  /** The tag. */
  public String tag() {
    return tag;
  }

  /** The sender's name; {@code null} until sent if it was left to the proxy. */
  public String source() {
    return source;
  }

  /** The receiver's name; {@code null} for a broadcast. */
  public String destination() {
    return destination;
  }

  /** The JSON-like payload (numbers arrive as Long or Double), or {@code null}. */
  public Object payload() {
    return payload;
  }

  /** The session this message belongs to (generated unless given; a reply keeps its request's). */
  public String sessionId() {
    return sessionId;
  }

  /** This message's id (generated). */
  public String messageId() {
    return messageId;
  }

  /** TASK or NOTIFICATION; NOTIFICATION for a plain message. */
  public SessionType sessionType() {
    return sessionType;
  }

  /** Binary attachments; a received one that travelled as chunks is a file ({@link Payload#file()}). */
  public List<Payload> attachments() {
    return attachments;
  }

  /** The node message this was received as; empty for a message built here. */
  public Optional<io.fedstream.node.Message> nodeMessage() {
    return Optional.ofNullable(received);
  }

  /** The same message with one more attachment (names must be unique). */
  public Message attach(Payload attachment) {
    Objects.requireNonNull(attachment, "attachment");
    List<Payload> all = new java.util.ArrayList<>(attachments);
    all.add(attachment);
    return copy(source, destination, sessionId, all);
  }

  /** A copy with these fields; keeps the class (a {@link SessionMessage} stays one). */
  Message copy(String source, String destination, String sessionId, List<Payload> attachments) {
    return new Message(tag, source, destination, payload, sessionType, sessionId, messageId, attachments, received);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{tag=" + tag + ", " + source + " -> " + destination + ", session="
        + sessionId + " " + sessionType + ", payload=" + payload
        + (attachments.isEmpty() ? "" : ", attachments=" + attachments.stream().map(Payload::name).toList()) + "}";
  }
}
