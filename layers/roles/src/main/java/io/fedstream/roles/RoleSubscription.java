package io.fedstream.roles;

import reactor.core.Disposable;

/**
 * A live subscription of a role to an event channel of one role instance: live means the router
 * has acknowledged it, so every matching event emitted from then on is delivered. {@link #close()}
 * unsubscribes.
 */
public final class RoleSubscription implements AutoCloseable {

  private final RoleInstanceId source;
  private final String channel;
  private final Disposable handle;

  RoleSubscription(RoleInstanceId source, String channel, Disposable handle) {
    this.source = source;
    this.channel = channel;
    this.handle = handle;
  }

  /** The instance subscribed to. */
  public RoleInstanceId source() {
    return source;
  }

  /** The event channel. */
  public String channel() {
    return channel;
  }

  /** Whether it has ended (unsubscribed, or a ONCE subscription that had its event). */
  public boolean isClosed() {
    return handle.isDisposed();
  }

  /** Unsubscribes (the router removes the subscription). Idempotent. */
  @Override
  public void close() {
    handle.dispose();
  }

  @Override
  public String toString() {
    return "RoleSubscription{" + source + " " + channel + "}";
  }
}
