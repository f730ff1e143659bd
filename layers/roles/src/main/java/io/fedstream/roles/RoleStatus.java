package io.fedstream.roles;

/** Where a role is in its life. */
public enum RoleStatus {
  /** Deployed, not yet ready: its automatic subscriptions are being made; it cannot emit. */
  STARTING,
  /** Serving its channels, receiving its events, may emit; a {@link Runnable} role's {@code run()} has started. */
  READY,
  /** Being stopped: no new calls or events are taken; its {@code run()} thread is interrupted. */
  STOPPING,
  /** Stopped. */
  TERMINATED
}
