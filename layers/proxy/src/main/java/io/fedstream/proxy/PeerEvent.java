package io.fedstream.proxy;

import java.time.Instant;

/**
 * A peer of the proxy's group joined or left.
 *
 * @param type JOINED or LEFT
 * @param peer the peer's name (its node id)
 * @param componentType the peer's component type
 * @param at when presence saw it
 */
public record PeerEvent(Type type, String peer, String componentType, Instant at) {

  /** Joined or left. */
  public enum Type {
    /** The peer is alive. */
    JOINED,
    /** The peer left or stopped sending heartbeats. */
    LEFT
  }
}
