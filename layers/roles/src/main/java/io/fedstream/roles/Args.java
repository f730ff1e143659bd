package io.fedstream.roles;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code args} part of a message: JSON-like values (strings, numbers, booleans, null, lists and
 * maps of them) by name. Immutable; treat it as read-only in a handler, as RoleML asks. Numbers
 * arrive as {@code Long} or {@code Double}.
 */
public final class Args {

  private static final Args EMPTY = new Args(Map.of());

  private final Map<String, Object> values;

  private Args(Map<String, Object> values) {
    this.values = values;
  }

  /** No args. */
  public static Args empty() {
    return EMPTY;
  }

  /**
   * Args from alternating names and values: {@code Args.of("comment", "hello", "n", 3)}.
   *
   * @throws IllegalArgumentException if the count is odd or a name is not a string
   */
  public static Args of(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Args.of takes name, value pairs; got " + namesAndValues.length + " items.");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (!(namesAndValues[i] instanceof String name)) {
        throw new IllegalArgumentException("Argument name at position " + i + " is not a string: " + namesAndValues[i]);
      }
      m.put(name, namesAndValues[i + 1]);
    }
    return new Args(Collections.unmodifiableMap(m));
  }

  /** Args holding a copy of a map. */
  public static Args from(Map<String, ?> values) {
    return values == null || values.isEmpty() ? EMPTY
        : new Args(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  /** The value of an argument, or null when absent. */
  public Object get(String name) {
    return values.get(name);
  }

  /** Whether the argument is present (possibly with a null value). */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The argument names. */
  public Set<String> names() {
    return values.keySet();
  }

  /** The args as an unmodifiable map. */
  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Args a && a.values.equals(values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(values);
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
