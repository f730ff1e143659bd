package io.fedstream.roles;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Automatic subscription: the method handles the events of a channel of every role instance in a
 * relationship, and the subscriptions follow the relationship (an instance added is subscribed to,
 * one removed unsubscribed from). When the relationship is empty as the role starts, the role of
 * the relationship's name on the same node is subscribed to instead, and that subscription stays
 * when instances are added later (RoleML's local fallback).
 *
 * <p>Signature: {@code (RoleInstanceId source, Args args, Payloads payloads)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface EventHandler {

  /** The relationship whose instances emit the events (normalised by {@link Names}). */
  String relationship();

  /** The event channel (normalised by {@link Names}). */
  String channel();

  /** ONCE (at most one event per instance subscribed to) or FOREVER (the default). */
  SubscriptionMode mode() default SubscriptionMode.FOREVER;

  /**
   * Conditions on the event's args, as pairs: a key ({@code key} or {@code key__op}; operators
   * {@code eq ==}, {@code gt >}, {@code ge >=}, {@code lt <}, {@code le <=}, {@code contains}) then
   * its literal written as JSON: {@code {"a__gt", "1", "c", "\"16\""}}. ANDed; none means every
   * event. Checked at deploy time.
   */
  String[] conditions() default {};
}
