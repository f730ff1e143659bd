package io.fedstream.node;

import io.fedstream.schemas.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link Node#subscribe(EventSubscription)} listens to: one event channel of a role, some or
 * every instance of it, once or forever, under RoleML conditions on the event's {@code args}.
 * Immutable: every method returns a new value. Start with {@link #to(String, String)}.
 *
 * <pre>{@code
 * node.subscribe(EventSubscription.to("trainer", "model_ready").where("round__ge", 3).once())
 * }</pre>
 *
 * <p>Conditions are {@code key} or {@code key__op} to a JSON-like literal; operators {@code eq ==},
 * {@code gt >}, {@code ge >=}, {@code lt <}, {@code le <=}, {@code contains}; none means {@code eq}.
 * The key is split at its <b>last</b> {@code __}, so a key that itself contains {@code __} needs
 * an explicit operator ({@code my__key__eq}). Conditions are ANDed and apply to {@code args} only;
 * a key missing from an event's args never matches. Keys and operators are checked here; whether
 * a literal suits its operator (ordering needs a number or a string) is checked by the router,
 * which rejects the subscription with {@link ErrorCode#INVALID_CONDITION}.
 */
public final class EventSubscription {

  /** How long a subscription lasts. */
  public enum Mode {
    /** Every matching event until cancelled; the default. */
    FOREVER,
    /** The first matching event only; the Flux then completes. */
    ONCE
  }

  /** The operator spellings accepted after the last {@code __} of a condition key: the router's grammar's. */
  public static final Set<String> OPERATORS = io.fedstream.protocol.Condition.OPERATORS;

  private final String role;
  private final String channel;
  private final List<String> instances;
  private final Mode mode;
  private final Map<String, Object> conditions;

  private EventSubscription(String role, String channel, List<String> instances, Mode mode,
      Map<String, Object> conditions) {
    this.role = role;
    this.channel = channel;
    this.instances = instances;
    this.mode = mode;
    this.conditions = conditions;
  }

  /**
   * Every instance's events on a channel of a role, forever, without conditions.
   *
   * @param role the emitting role (underscores become hyphens)
   * @param channel the event channel (underscores become hyphens)
   * @return the subscription
   * @throws IllegalArgumentException if a name is empty or not {@code [a-z0-9-]} after normalising
   */
  public static EventSubscription to(String role, String channel) {
    return new EventSubscription(Topics.requireName("role", role), Topics.requireName("channel", channel),
        List.of(), Mode.FOREVER, Map.of());
  }

  /**
   * Only these role instances (the ids under which they emit; see {@link Node#emit(String, String,
   * String, Message)}). Replaces earlier instances; none means every instance.
   *
   * @throws IllegalArgumentException if an id is null or blank
   */
  public EventSubscription instances(String... ids) {
    return instances(List.of(ids));
  }

  /** Like {@link #instances(String...)}, from a collection. */
  public EventSubscription instances(Collection<String> ids) {
    Set<String> out = new LinkedHashSet<>();
    for (String id : ids) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("Instance ids must not be blank: " + ids);
      }
      out.add(id);
    }
    return new EventSubscription(role, channel, List.copyOf(out), mode, conditions);
  }

  /** Only the first matching event: the Flux completes after it (the router removes the subscription). */
  public EventSubscription once() {
    return new EventSubscription(role, channel, instances, Mode.ONCE, conditions);
  }

  /** Every matching event until the Flux is cancelled (the default). */
  public EventSubscription forever() {
    return new EventSubscription(role, channel, instances, Mode.FOREVER, conditions);
  }

  /**
   * Adds one condition (replacing one with the same key as written).
   *
   * @param key {@code key} or {@code key__op}
   * @param literal a JSON-like value (see {@link Message}); ints and floats are widened
   * @throws IllegalArgumentException if the key is empty, has nothing before its last {@code __},
   *     or names an unknown operator; or if the literal is not JSON-like
   */
  public EventSubscription where(String key, Object literal) {
    checkKey(key);
    Map<String, Object> c = new LinkedHashMap<>(conditions);
    c.put(key, Args.normalise(key, literal));
    return new EventSubscription(role, channel, instances, mode, Collections.unmodifiableMap(c));
  }

  /** Adds every entry as a condition (see {@link #where(String, Object)}). */
  public EventSubscription conditions(Map<String, ?> conditions) {
    EventSubscription s = this;
    for (Map.Entry<String, ?> e : new ArrayList<>(conditions.entrySet())) {
      s = s.where(e.getKey(), e.getValue());
    }
    return s;
  }

  /** The role, normalised. */
  public String role() {
    return role;
  }

  /** The channel, normalised. */
  public String channel() {
    return channel;
  }

  /** The instances listened to; empty means every instance. */
  public List<String> instances() {
    return instances;
  }

  /** {@link Mode#FOREVER} unless {@link #once()} was called. */
  public Mode mode() {
    return mode;
  }

  /** The conditions as written (key or key__op to literal), unmodifiable, in the order added. */
  public Map<String, Object> conditions() {
    return conditions;
  }

  /**
   * Checks a condition key as the router parses it: split at the last {@code __}, the part after
   * it must be an operator and the part before it non-empty.
   *
   * @throws IllegalArgumentException saying what to fix
   */
  static void checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("Condition key required.");
    }
    int at = key.lastIndexOf("__");
    if (at < 0) {
      return;
    }
    String op = key.substring(at + 2);
    if (!OPERATORS.contains(op.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("Condition '" + key + "' has unknown operator '" + op
          + "'; use one of eq ==, gt >, ge >=, lt <, le <=, contains (a key that contains '__' needs an"
          + " explicit operator, e.g. '" + key + "__eq').");
    }
    if (at == 0) {
      throw new IllegalArgumentException("Condition '" + key + "' has no key before '__'.");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventSubscription s && role.equals(s.role) && channel.equals(s.channel)
        && instances.equals(s.instances) && mode == s.mode && conditions.equals(s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, channel, instances, mode, conditions);
  }

  @Override
  public String toString() {
    return "EventSubscription{" + role + "/" + channel + (instances.isEmpty() ? "" : " instances=" + instances)
        + " " + mode + (conditions.isEmpty() ? "" : " where " + conditions) + "}";
  }
}
