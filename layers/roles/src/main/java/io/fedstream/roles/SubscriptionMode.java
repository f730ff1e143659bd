package io.fedstream.roles;

/** RoleML's subscription modes. */
public enum SubscriptionMode {
  /** At most one event, after which the subscription is removed. */
  ONCE,
  /** Every matching event until unsubscribed; the default. */
  FOREVER
}
