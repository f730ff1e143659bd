package io.fedstream.node.internal;

import io.fedstream.node.Message;
import java.time.Instant;

/**
 * The node's access to the wire-only fields of {@link Message} (kind, source, inReplyTo,
 * createdAt, reserved attributes, the call marker), which {@link Message.Builder} refuses to
 * users. {@link Message} installs the access when it is loaded; nothing else may.
 */
public final class Wire {

  /** Implemented by {@link Message} alone. Not an API. */
  public interface Access {
    /** Sets the kind. */
    void kind(Message.Builder b, Message.Kind kind);

    /** Sets the source. */
    void source(Message.Builder b, String source);

    /** Sets the request replied to. */
    void inReplyTo(Message.Builder b, String requestId);

    /** Sets the creation time. */
    void createdAt(Message.Builder b, Instant at);

    /**
     * Sets an argument that is already in the builder's form (JSON-like, nested lists and maps
     * unmodifiable, a {@code byte[]} nobody else holds), without copying it again.
     */
    void decodedArg(Message.Builder b, String name, Object value);

    /** Sets an attribute, reserved names included. */
    void attribute(Message.Builder b, String key, String value);

    /** Marks (or unmarks) a message as part of a call (request/scatter/broadcast and its replies). */
    void call(Message.Builder b, boolean call);

    /** True if the message is part of a call. */
    boolean call(Message m);
  }

  /** The wire attribute that carries the call marker; never shown in {@link Message#attributes()}. */
  static final String CALL_ATTRIBUTE = "fedstream.call";

  private static volatile Access access;

  private Wire() {
  }

  /**
   * Installs the access; {@link Message}'s static initialiser calls it once.
   *
   * @throws IllegalStateException on a second call
   */
  public static synchronized void install(Access a) {
    if (access != null) {
      throw new IllegalStateException("Wire access is installed by Message");
    }
    access = a;
  }

  private static Access access() {
    Access a = access;
    if (a == null) {
      Message.builder(); // loads Message, which installs the access
      a = access;
    }
    return a;
  }

  static Message.Builder kind(Message.Builder b, Message.Kind kind) {
    access().kind(b, kind);
    return b;
  }

  static Message.Builder source(Message.Builder b, String source) {
    access().source(b, source);
    return b;
  }

  static Message.Builder inReplyTo(Message.Builder b, String requestId) {
    access().inReplyTo(b, requestId);
    return b;
  }

  static Message.Builder createdAt(Message.Builder b, Instant at) {
    access().createdAt(b, at);
    return b;
  }

  /** See {@link Access#decodedArg}: the decoder's one copy of an argument goes in as it is. */
  static Message.Builder decodedArg(Message.Builder b, String name, Object value) {
    access().decodedArg(b, name, value);
    return b;
  }

  static Message.Builder attribute(Message.Builder b, String key, String value) {
    access().attribute(b, key, value);
    return b;
  }

  static Message.Builder call(Message.Builder b, boolean call) {
    access().call(b, call);
    return b;
  }

  static boolean isCall(Message m) {
    return access().call(m);
  }
}
