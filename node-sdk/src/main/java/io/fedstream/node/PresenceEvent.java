package io.fedstream.node;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A node joined, left or changed what it announces, as seen from the presence topic's heartbeats.
 *
 * @param type joined, left or updated
 * @param nodeId the node
 * @param groups the groups it announced
 * @param at when this host noticed the change
 * @param roles the roles it announced
 * @param relationships the relationships it announced (name to role instance ids)
 */
public record PresenceEvent(Type type, String nodeId, Set<String> groups, Instant at, Set<String> roles,
    Map<String, Set<String>> relationships) {

  /** What happened. */
  public enum Type {
    /** A first heartbeat (or the first after the node had left). */
    JOINED,
    /** A leave tombstone, a LEAVING heartbeat, or no heartbeat within the liveness timeout. */
    LEFT,
    /** An alive node's heartbeat announced other groups, roles or relationships. */
    UPDATED
  }

  /** Copies the collections. */
  public PresenceEvent {
    groups = Set.copyOf(groups);
    roles = roles == null ? Set.of() : Set.copyOf(roles);
    relationships = copyRelationships(relationships);
  }

  /** An event without roles and relationships. */
  public PresenceEvent(Type type, String nodeId, Set<String> groups, Instant at) {
    this(type, nodeId, groups, at, Set.of(), Map.of());
  }

  static Map<String, Set<String>> copyRelationships(Map<String, ? extends Set<String>> in) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    Map<String, Set<String>> out = new HashMap<>();
    in.forEach((k, v) -> out.put(k, Set.copyOf(v)));
    return Map.copyOf(out);
  }
}
