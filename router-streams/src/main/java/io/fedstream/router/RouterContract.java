package io.fedstream.router;

import io.fedstream.protocol.InvalidConditionException;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Payload;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.protocol.Condition;
import io.fedstream.protocol.Expression;
import io.fedstream.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a node writes to use the router, and what it reads back: the encode side of event
 * subscriptions and of the conditional event register table, checked with the router's own
 * parsers, and the constants of the records the router emits. See {@code docs/router.md}.
 *
 * <ul>
 *   <li>Subscribe: write {@link #subscription} to {@code Topics.subscriptions(ns)} keyed by its
 *       {@code subscriptionId}; unsubscribe: a tombstone under that key. Matching events arrive in
 *       the subscriber's mailbox as {@code EVENT} envelopes with attribute {@link RoutedRecords#ATTR_SUBSCRIPTIONS}.
 *   <li>Register: write {@link #conditionalEvent} to {@code Topics.conditionalEvents(ns)} keyed by
 *       its {@code registrationId}; remove: a tombstone. Triggers arrive in the node's mailbox as
 *       {@code TRIGGER} envelopes, tag = handler id, one payload per gathered message
 *       ({@link #gatheredWireBytes}).
 *   <li>A rejected subscription or registration comes back as a {@code REPLY} envelope from
 *       {@link RoutedRecords#ROUTER_SOURCE} with error code {@code INVALID_CONDITION} and {@code inReplyTo} = the
 *       id.
 * </ul>
 */
public final class RouterContract {

  private RouterContract() {
  }

  /**
   * Starts a subscription record with a fresh id, {@code FOREVER} mode, no conditions, every
   * instance and {@code createdAt} now. Set instances, mode and conditions on the builder, then
   * pass the result through {@link #checkSubscription}.
   *
   * @param subscriber the node id whose mailbox receives matching events
   * @param role the emitting role (underscores become hyphens)
   * @param channel the event channel (underscores become hyphens)
   * @return a builder of the Avro record
   * @throws IllegalArgumentException if a name is empty or invalid
   */
  public static Subscription.Builder subscription(String subscriber, String role, String channel) {
    requireText("subscriber", subscriber);
    return Subscription.newBuilder()
        .setSubscriptionId(UUID.randomUUID().toString())
        .setSubscriber(subscriber)
        .setRole(Topics.requireName("role", role))
        .setChannel(Topics.requireName("channel", channel))
        .setInstances(List.of())
        .setRelationship(null)
        .setMode(SubscriptionMode.FOREVER)
        .setConditions(new java.util.HashMap<>())
        .setCreatedAt(Instant.now());
  }

  /**
   * Checks a subscription as the router will: names valid, subscriber and id present, every
   * condition parsable. Role and channel are returned normalised.
   *
   * @return the subscription with normalised role and channel
   * @throws InvalidConditionException if a condition cannot be parsed
   * @throws IllegalArgumentException if a name or id is missing or invalid
   */
  public static Subscription checkSubscription(Subscription s) {
    Objects.requireNonNull(s, "subscription");
    requireText("subscriptionId", s.getSubscriptionId());
    requireText("subscriber", s.getSubscriber());
    Condition.parseAll(s.getConditions());
    Subscription copy = Subscription.newBuilder(s)
        .setRole(Topics.requireName("role", s.getRole()))
        .setChannel(Topics.requireName("channel", s.getChannel()))
        .build();
    return copy;
  }

  /**
   * Validates RoleML conditions ({@code key[__op]} to a literal) without building a record.
   *
   * @throws InvalidConditionException naming the first bad condition
   */
  public static void checkConditions(java.util.Map<String, io.fedstream.avro.Value> conditions) {
    Condition.parseAll(conditions);
  }

  /**
   * Builds a validated register-table record with a fresh registration id.
   *
   * @param nodeId the registering node; triggers go to its mailbox
   * @param handlerId the handler bound to the expression; it becomes the trigger's tag
   * @param expression unit events {@code source:tag:amount} with AND, OR and parentheses
   * @return the record to write to {@code Topics.conditionalEvents(ns)} keyed by its id
   * @throws InvalidConditionException if the expression cannot be parsed
   * @throws IllegalArgumentException if nodeId or handlerId is empty
   */
  public static ConditionalEvent conditionalEvent(String nodeId, String handlerId, String expression) {
    requireText("nodeId", nodeId);
    requireText("handlerId", handlerId);
    checkExpression(expression);
    return ConditionalEvent.newBuilder()
        .setRegistrationId(UUID.randomUUID().toString())
        .setNodeId(nodeId)
        .setHandlerId(handlerId)
        .setExpression(expression)
        .setCreatedAt(Instant.now())
        .build();
  }

  /**
   * Validates a register-table expression with the router's parser.
   *
   * @throws InvalidConditionException saying where the expression is wrong
   */
  public static void checkExpression(String expression) {
    Expression.parse(expression);
  }

  /**
   * The Confluent wire bytes of one envelope gathered in a trigger (magic byte, schema id, Avro
   * body), ready for the node's envelope decoder (as read from {@code Topics.mailbox(ns)}).
   *
   * @param payload a payload of a {@code TRIGGER} envelope with {@link RoutedRecords#ENVELOPE_CONTENT_TYPE}
   * @return the wire bytes
   * @throws IllegalArgumentException if the payload is a reference or has no schema id
   */
  public static byte[] gatheredWireBytes(Payload payload) {
    if (!RoutedRecords.ENVELOPE_CONTENT_TYPE.equals(payload.getContentType()) || payload.getSchemaId() == null) {
      throw new IllegalArgumentException("payload '" + payload.getName() + "' is not an embedded"
          + " envelope (content type " + payload.getContentType() + "); references are read from"
          + " the topic position in its data");
    }
    ByteBuffer data = payload.getData().duplicate();
    ByteBuffer out = ByteBuffer.allocate(5 + data.remaining());
    out.put((byte) 0).putInt(payload.getSchemaId()).put(data);
    return out.array();
  }

  /** Whether an envelope is a trigger from the router. */
  public static boolean isTrigger(Envelope e) {
    return e.getKind() == io.fedstream.avro.Kind.TRIGGER && RoutedRecords.ROUTER_SOURCE.equals(e.getSource());
  }

  private static void requireText(String what, String v) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(what + " required.");
    }
  }
}
