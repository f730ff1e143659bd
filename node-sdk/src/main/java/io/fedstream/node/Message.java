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
 * #builder()}. The node fills in the source, the kind and (for requests) the deadline when it
 * sends.
 *
 * <p>A message id is delivered once per node: to send the same content again, build a new
 * message (or {@code toBuilder().id(null).build()}).
 *
 * <p>Args are JSON-like: {@code null}, {@link Boolean}, {@link Long} (ints are widened), {@link
 * Double} (floats are widened), {@link String}, {@code byte[]}, {@link List} and {@link Map} with
 * string keys, nested to any depth. The router evaluates conditions on them.
 */
public final class Message {

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

  /** When the sender created the message. */
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

  /** Model-specific string attributes, unmodifiable. */
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

    /** Kind; set by the node when sending, default {@link Kind#MESSAGE}. */
    public Builder kind(Kind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /** The tag (required). */
    public Builder tag(String tag) {
      this.tag = tag;
      return this;
    }

    /** Sender node id; the node sets it when sending. */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /** Destination node id; required for {@code send}, {@code request} and {@code scatter}. */
    public Builder to(String destination) {
      this.destination = destination;
      return this;
    }

    /** Creation time; now unless given. */
    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    /** Deadline; the node sets it on requests from the call's deadline. */
    public Builder deadline(Instant deadline) {
      this.deadline = deadline;
      return this;
    }

    /** The request this message replies to. */
    public Builder inReplyTo(String requestId) {
      this.inReplyTo = requestId;
      return this;
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
      args.put(name, normalise(name, value));
      return this;
    }

    /** Adds every entry as an argument (see {@link #arg}). */
    public Builder args(Map<String, ?> values) {
      values.forEach(this::arg);
      return this;
    }

    /** Adds a payload; names must be unique within the message. */
    public Builder payload(Payload payload) {
      payloads.add(Objects.requireNonNull(payload, "payload"));
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

    /** Adds a model-specific string attribute. */
    public Builder attribute(String key, String value) {
      attributes.put(Objects.requireNonNull(key, "attribute key"), Objects.requireNonNull(value, "attribute value"));
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

    static Object normalise(String key, Object v) {
      if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double || v instanceof String) {
        return v;
      }
      if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
        return ((Number) v).longValue();
      }
      if (v instanceof Float) {
        return ((Float) v).doubleValue();
      }
      if (v instanceof byte[]) {
        return ((byte[]) v).clone();
      }
      if (v instanceof List) {
        List<Object> out = new ArrayList<>();
        for (Object e : (List<?>) v) {
          out.add(normalise(key, e));
        }
        return Collections.unmodifiableList(out);
      }
      if (v instanceof Map) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          if (!(e.getKey() instanceof String)) {
            throw new IllegalArgumentException("Arg '" + key + "' has a map key that is not a String: " + e.getKey());
          }
          out.put((String) e.getKey(), normalise(key, e.getValue()));
        }
        return Collections.unmodifiableMap(out);
      }
      throw new IllegalArgumentException("Arg '" + key + "' has a " + v.getClass().getName()
          + "; args take null, Boolean, Long/Integer, Double/Float, String, byte[], List or Map<String,?>."
          + " Put anything else in a payload.");
    }
  }
}
