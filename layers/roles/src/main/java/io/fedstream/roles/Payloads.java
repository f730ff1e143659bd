package io.fedstream.roles;

import io.fedstream.node.Payload;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code payloads} part of a message: named blobs of any content (RoleML's non-JSON part), as
 * the node API's {@link Payload}s. Immutable. Payloads are never looked at by subscription
 * conditions.
 */
public final class Payloads {

  private static final Payloads EMPTY = new Payloads(Map.of());

  private final Map<String, Payload> byName;

  private Payloads(Map<String, Payload> byName) {
    this.byName = byName;
  }

  /** No payloads. */
  public static Payloads empty() {
    return EMPTY;
  }

  /** Payloads from node payloads (names must differ). */
  public static Payloads of(Payload... payloads) {
    return from(List.of(payloads));
  }

  /**
   * Payloads from node payloads.
   *
   * @throws IllegalArgumentException if two have the same name
   */
  public static Payloads from(List<Payload> payloads) {
    if (payloads == null || payloads.isEmpty()) {
      return EMPTY;
    }
    Map<String, Payload> m = new LinkedHashMap<>();
    for (Payload p : payloads) {
      if (m.put(p.name(), p) != null) {
        throw new IllegalArgumentException("Two payloads are named '" + p.name() + "'.");
      }
    }
    return new Payloads(Collections.unmodifiableMap(m));
  }

  /** One payload of bytes. */
  public static Payloads ofBytes(String name, byte[] data) {
    return of(Payload.ofBytes(name, data));
  }

  /** The payload of that name. */
  public Optional<Payload> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The payload names. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** The payloads as a list, in order. */
  public List<Payload> asList() {
    return new ArrayList<>(byName.values());
  }

  @Override
  public String toString() {
    return byName.keySet().toString();
  }
}
