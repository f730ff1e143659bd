package io.fedstream.node;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One message between nodes: ids, session, tag, source, destination, creation time, JSON-like
 * {@code args}, named {@code payloads} and an optional error. Immutable; build one with {@link
 * #builder()}. The node owns the wire-only fields: it fills in the source, the kind, the creation
 * time and (for replies) the request's id when it sends; the builder refuses them with a {@link
 * ErrorCode#CALLER} error. Attribute names starting with {@value #RESERVED_PREFIX} are reserved
 * for FedStream (the router's routed events carry some, readable but not settable).
 *
 * <p>A message id is delivered once per node: to send the same content again, build a new
 * message (or {@code toBuilder().id(null).build()}).
 *
 * <p>Args are JSON-like: {@code null}, {@link Boolean}, {@link Long} (ints are widened), {@link
 * Double} (floats are widened), {@link String}, {@code byte[]}, {@link List} and {@link Map} with
 * string keys, nested to any depth. The router evaluates conditions on them.
 */
public final class Message {

  /** Attribute names starting with this are FedStream's own: readable, never settable by users. */
  public static final String RESERVED_PREFIX = "fedstream.";

  static {
    io.fedstream.node.internal.Wire.install(new io.fedstream.node.internal.Wire.Access() {
      @Override
      public void kind(Builder b, Kind kind) {
        b.kind = java.util.Objects.requireNonNull(kind, "kind");
      }

      @Override
      public void source(Builder b, String source) {
        b.source = source;
      }

      @Override
      public void inReplyTo(Builder b, String requestId) {
        b.inReplyTo = requestId;
      }

      @Override
      public void createdAt(Builder b, Instant at) {
        b.createdAt = at;
      }

      @Override
      public void decodedArg(Builder b, String name, Object value) {
        b.args.put(java.util.Objects.requireNonNull(name, "arg name"), value);
      }

      @Override
      public void attribute(Builder b, String key, String value) {
        b.attributes.put(key, value);
      }

      @Override
      public void call(Builder b, boolean call) {
        b.call = call;
      }

      @Override
      public boolean call(Message m) {
        return m.call;
      }
    });
  }

  /** What a message is on the wire. */
  public enum Kind {
    /** A one-way message. */
    MESSAGE,
    /** A request that expects a reply. */
    REQUEST,
    /** A reply to a request ({@link #inReplyTo()} names it). */
    REPLY,
    /** An event emitted by a role. */
    EVENT,
    /** A trigger sent by the router when a condition is met. */
    TRIGGER
  }

  /** MARO's session types. */
  public enum SessionType {
    /** One-way information; the default. */
    NOTIFICATION,
    /** A task: request, work, result. */
    TASK
  }

  /**
   * A coded error carried by a message (for example in a reply whose handler failed).
   *
   * @param code the code
   * @param reason what went wrong
   * @param details extra key/values, never null
   */
  public record Error(ErrorCode code, String reason, Map<String, String> details) {
    /** Validates and copies. */
    public Error {
      Objects.requireNonNull(code, "code");
      reason = reason == null ? "" : reason;
      details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** This error as an exception of the matching type. */
    public NodeException toException() {
      return NodeException.of(code, reason);
    }
  }

  private final String id;
  private final String sessionId;
  private final SessionType sessionType;
  private final Kind kind;
  private final String tag;
  private final String source;
  private final String destination;
  private final Instant createdAt;
  private final Instant deadline;
  private final String inReplyTo;
  private final String replyTo;
  private final Map<String, Object> args;
  private final List<Payload> payloads;
  private final Error error;
  private final String traceparent;
  private final Map<String, String> attributes;
  private final boolean call;

  private Message(Builder b) {
    this.id = b.id != null ? b.id : UUID.randomUUID().toString();
    this.sessionId = b.sessionId != null ? b.sessionId : UUID.randomUUID().toString();
    this.sessionType = b.sessionType;
    this.kind = b.kind;
    this.tag = b.tag;
    this.source = b.source;
    this.destination = b.destination;
    this.createdAt = b.createdAt != null ? b.createdAt : Instant.now();
    this.deadline = b.deadline;
    this.inReplyTo = b.inReplyTo;
    this.replyTo = b.replyTo;
    this.args = Collections.unmodifiableMap(new LinkedHashMap<>(b.args));
    this.payloads = List.copyOf(b.payloads);
    this.error = b.error;
    this.traceparent = b.traceparent;
    this.attributes = Map.copyOf(b.attributes);
    this.call = b.call;
  }

  /** A new builder. Only the tag is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this message's fields (including its id: change it for a new message). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.sessionId = sessionId;
    b.sessionType = sessionType;
    b.kind = kind;
    b.tag = tag;
    b.source = source;
    b.destination = destination;
    b.createdAt = createdAt;
    b.deadline = deadline;
    b.inReplyTo = inReplyTo;
    b.replyTo = replyTo;
    b.args.putAll(args);
    b.payloads.addAll(payloads);
    b.error = error;
    b.traceparent = traceparent;
    b.attributes.putAll(attributes);
    b.call = call;
    return b;
  }

  /** Unique id (a UUID unless given); receivers deduplicate on it. */
  public String id() {
    return id;
  }

  /** Session id; a reply carries its request's. A new UUID unless given. */
  public String sessionId() {
    return sessionId;
  }

  /** Session type; {@link SessionType#NOTIFICATION} unless given. */
  public SessionType sessionType() {
    return sessionType;
  }

  /** What the message is; set by the node when sending. */
  public Kind kind() {
    return kind;
  }

  /** The tag (or channel). */
  public String tag() {
    return tag;
  }

  /** Node id of the sender; set by the node when sending (null before). */
  public String source() {
    return source;
  }

  /** Node id of the receiver; empty on group broadcasts. */
  public Optional<String> destination() {
    return Optional.ofNullable(destination);
  }

  /** When the message was built (the node sets it again when it sends). */
  public Instant createdAt() {
    return createdAt;
  }

  /** For requests: the instant after which no reply is wanted. */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** For replies: the id of the request. */
  public Optional<String> inReplyTo() {
    return Optional.ofNullable(inReplyTo);
  }

  /** For requests: the node that takes the reply (the source unless given). */
  public Optional<String> replyTo() {
    return Optional.ofNullable(replyTo);
  }

  /** The JSON-like arguments, unmodifiable. */
  public Map<String, Object> args() {
    return args;
  }

  /** One argument, or null when absent. */
  public Object arg(String name) {
    return args.get(name);
  }

  /**
   * One argument as a {@code long}, lenient where that is safe: a {@code Long}, or a {@code Double}
   * with no fractional part (as Avro writers in other languages may write an integer, see
   * {@code schemas/TOPICS.md}).
   *
   * @param name the argument's name
   * @return its value
   * @throws NodeException.CallerException (CALLER) when it is absent, not a number, or a double with
   *     a fraction or outside the {@code long} range, naming the argument
   */
  public long argLong(String name) {
    return Args.asLong(name, args.get(name));
  }

  /**
   * One argument as a {@code double}: a {@code Double}, or a {@code Long} widened.
   *
   * @param name the argument's name
   * @return its value
   * @throws NodeException.CallerException (CALLER) when it is absent or not a number, naming the argument
   */
  public double argDouble(String name) {
    return Args.asDouble(name, args.get(name));
  }

  /** The payloads, unmodifiable, in the order they were added. */
  public List<Payload> payloads() {
    return payloads;
  }

  /** The payload with this name. */
  public Optional<Payload> payload(String name) {
    return payloads.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The error, if this message reports one. */
  public Optional<Error> error() {
    return Optional.ofNullable(error);
  }

  /** The W3C traceparent this message travels under, if known. */
  public Optional<String> traceparent() {
    return Optional.ofNullable(traceparent);
  }

  /**
   * Model-specific string attributes, unmodifiable. Those FedStream adds (names starting with
   * {@value #RESERVED_PREFIX}, e.g. on routed events) are readable here; the SDK's internal call
   * marker never appears.
   */
  public Map<String, String> attributes() {
    return attributes;
  }

  @Override
  public String toString() {
    return "Message{" + kind + " " + tag + " " + source + "->" + (destination == null ? "*" : destination)
        + " id=" + id + " session=" + sessionId + (inReplyTo != null ? " inReplyTo=" + inReplyTo : "")
        + " args=" + args.keySet() + " payloads=" + payloads.size()
        + (error != null ? " error=" + error.code() : "") + "}";
  }

  /** Builds a {@link Message}; {@link #build()} validates. */
  public static final class Builder {
    private String id;
    private String sessionId;
    private SessionType sessionType = SessionType.NOTIFICATION;
    private Kind kind = Kind.MESSAGE;
    private String tag;
    private String source;
    private String destination;
    private Instant createdAt;
    private Instant deadline;
    private String inReplyTo;
    private String replyTo;
    private final Map<String, Object> args = new LinkedHashMap<>();
    private final List<Payload> payloads = new ArrayList<>();
    private Error error;
    private String traceparent;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private boolean call;

    private Builder() {
    }

    /** Message id; a random UUID unless given. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Session id; a random UUID unless given. */
    public Builder sessionId(String sessionId) {
      this.sessionId = sessionId;
      return this;
    }

    /** Session type; default {@link SessionType#NOTIFICATION}. */
    public Builder sessionType(SessionType type) {
      this.sessionType = Objects.requireNonNull(type, "sessionType");
      return this;
    }

    /**
     * Refused: the kind is a wire-only field the node sets when it sends ({@code send}: MESSAGE,
     * {@code request}: REQUEST, {@code reply}: REPLY, {@code emit}: EVENT).
     *
     * @throws NodeException.CallerException always
     * @deprecated the node owns this field; remove the call
     */
    @Deprecated(forRemoval = true)
    public Builder kind(Kind kind) {
      throw wireOnly("kind");
    }

    /** The tag (required). */
    public Builder tag(String tag) {
      this.tag = tag;
      return this;
    }

    /**
     * Refused: the source is a wire-only field, the sending node's id.
     *
     * @throws NodeException.CallerException always
     * @deprecated the node owns this field; remove the call
     */
    @Deprecated(forRemoval = true)
    public Builder source(String source) {
      throw wireOnly("source");
    }

    /** Destination node id; required for {@code send}, {@code request} and {@code scatter}. */
    public Builder to(String destination) {
      this.destination = destination;
      return this;
    }

    /**
     * Refused: the creation time is a wire-only field, set when the message is built and again
     * when it is sent.
     *
     * @throws NodeException.CallerException always
     * @deprecated the node owns this field; remove the call
     */
    @Deprecated(forRemoval = true)
    public Builder createdAt(Instant createdAt) {
      throw wireOnly("createdAt");
    }

    /** Deadline; the node sets it on requests from the call's deadline. */
    public Builder deadline(Instant deadline) {
      this.deadline = deadline;
      return this;
    }

    /**
     * Refused: {@code inReplyTo} is a wire-only field; {@link Node#reply(Message, Message)} sets it.
     *
     * @throws NodeException.CallerException always
     * @deprecated the node owns this field; use {@code Node.reply}
     */
    @Deprecated(forRemoval = true)
    public Builder inReplyTo(String requestId) {
      throw wireOnly("inReplyTo");
    }

    private static NodeException wireOnly(String field) {
      return new NodeException.CallerException("Message field '" + field + "' is set by the node when it sends;"
          + " it cannot be set on Message.Builder.");
    }

    /** The node that takes replies; the source unless given. */
    public Builder replyTo(String nodeId) {
      this.replyTo = nodeId;
      return this;
    }

    /**
     * Adds one JSON-like argument (see {@link Message}).
     *
     * @throws IllegalArgumentException if the value is not JSON-like; the message names the key
     */
    public Builder arg(String name, Object value) {
      Objects.requireNonNull(name, "arg name");
      args.put(name, Args.normalise(name, value));
      return this;
    }

    /** Adds every entry as an argument (see {@link #arg}). */
    public Builder args(Map<String, ?> values) {
      values.forEach(this::arg);
      return this;
    }

    /** Removes one argument (no effect when absent). */
    public Builder removeArg(String name) {
      args.remove(name);
      return this;
    }

    /** Removes every argument. */
    public Builder clearArgs() {
      args.clear();
      return this;
    }

    /** Adds a payload; names must be unique within the message. */
    public Builder payload(Payload payload) {
      payloads.add(Objects.requireNonNull(payload, "payload"));
      return this;
    }

    /** Removes the payload with this name (no effect when absent). */
    public Builder removePayload(String name) {
      payloads.removeIf(p -> p.name().equals(name));
      return this;
    }

    /** Removes every payload. */
    public Builder clearPayloads() {
      payloads.clear();
      return this;
    }

    /** Marks the message as reporting an error. */
    public Builder error(ErrorCode code, String reason) {
      this.error = new Error(code, reason, Map.of());
      return this;
    }

    /** Sets or clears the error. */
    public Builder error(Error error) {
      this.error = error;
      return this;
    }

    /** The W3C traceparent to travel under; the node creates one unless given. */
    public Builder traceparent(String traceparent) {
      this.traceparent = traceparent;
      return this;
    }

    /**
     * Adds a model-specific string attribute.
     *
     * @throws NodeException.CallerException if the name starts with {@value Message#RESERVED_PREFIX}
     */
    public Builder attribute(String key, String value) {
      Objects.requireNonNull(key, "attribute key");
      Objects.requireNonNull(value, "attribute value");
      if (key.startsWith(RESERVED_PREFIX)) {
        throw new NodeException.CallerException("Attribute '" + key + "': names starting with '" + RESERVED_PREFIX
            + "' are reserved for FedStream.");
      }
      attributes.put(key, value);
      return this;
    }

    /**
     * Removes an attribute (no effect when absent).
     *
     * @throws NodeException.CallerException if the name starts with {@value Message#RESERVED_PREFIX}
     */
    public Builder removeAttribute(String key) {
      if (key.startsWith(RESERVED_PREFIX)) {
        throw new NodeException.CallerException("Attribute '" + key + "': names starting with '" + RESERVED_PREFIX
            + "' are reserved for FedStream.");
      }
      attributes.remove(key);
      return this;
    }

    /**
     * Builds the message.
     *
     * @throws IllegalArgumentException if the tag is missing or two payloads share a name
     */
    public Message build() {
      if (tag == null || tag.isEmpty()) {
        throw new IllegalArgumentException("Message tag required: call tag(\"...\").");
      }
      Set<String> names = new HashSet<>();
      for (Payload p : payloads) {
        if (!names.add(p.name())) {
          throw new IllegalArgumentException("Two payloads are named '" + p.name() + "'; payload names must be unique.");
        }
      }
      return new Message(this);
    }
  }
}
