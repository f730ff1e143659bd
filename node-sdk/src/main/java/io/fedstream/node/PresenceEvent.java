package io.fedstream.node;

import java.time.Instant;
import java.util.Set;

/**
 * A node joined or left, as seen from the presence topic's heartbeats.
 *
 * @param type joined or left
 * @param nodeId the node
 * @param groups the groups it announced
 * @param at when this host noticed the change
 */
public record PresenceEvent(Type type, String nodeId, Set<String> groups, Instant at) {

  /** What happened. */
  public enum Type {
    /** A first heartbeat (or the first after the node had left). */
    JOINED,
    /** A leave tombstone, a LEAVING heartbeat, or no heartbeat within the liveness timeout. */
    LEFT
  }

  /** Copies the groups. */
  public PresenceEvent {
    groups = Set.copyOf(groups);
  }
}
