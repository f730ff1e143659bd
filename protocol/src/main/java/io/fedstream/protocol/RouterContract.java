package io.fedstream.protocol;

import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Payload;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.avro.Value;
import io.fedstream.schemas.FedStreamException;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.Framing;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The router's control records, built and checked once for the SDK and the router: what a node
 * writes to use the router, and how it reads the triggers back. See {@code docs/router.md}.
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
 *
 * <p>The router checks every record it reads with {@link #checkSubscription} and {@link
 * #checkExpression}; the SDK builds what it writes with {@link #subscription} and {@link
 * #conditionalEvent}, and refuses a bad expression with {@link #checkExpression} before sending it.
 */
public final class RouterContract {

  private RouterContract() {
  }

  /**
   * Starts a subscription record with a fresh id, {@code FOREVER} mode, no conditions, every
   * instance, no relationship and {@code createdAt} now. Set id, instances, mode and conditions on
   * the builder; the router checks the result as {@link #checkSubscription} does.
   *
   * @param subscriber the node id whose mailbox receives matching events
   * @param role the emitting role (underscores become hyphens)
   * @param channel the event channel (underscores become hyphens)
   * @return a builder of the record
   * @throws IllegalArgumentException if the subscriber is empty or a name invalid
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
        .setConditions(new HashMap<>())
        .setCreatedAt(Instant.now());
  }

  /**
   * Checks a subscription as the router does: names valid, subscriber and id present, every
   * condition parsable. Role and channel are returned normalised.
   *
   * @param s the record; never null
   * @return the subscription with normalised role and channel
   * @throws FedStreamException (code {@code INVALID_CONDITION}) if a condition cannot be parsed
   * @throws IllegalArgumentException if a name or id is missing or invalid
   */
  public static Subscription checkSubscription(Subscription s) {
    Objects.requireNonNull(s, "subscription");
    requireText("subscriptionId", s.getSubscriptionId());
    requireText("subscriber", s.getSubscriber());
    Condition.parseAll(s.getConditions());
    return Subscription.newBuilder(s)
        .setRole(Topics.requireName("role", s.getRole()))
        .setChannel(Topics.requireName("channel", s.getChannel()))
        .build();
  }

  /**
   * Checks RoleML conditions ({@code key[__op]} to a literal) without building a record.
   *
   * @param conditions key or key__op to literal; null or empty means "every event"
   * @throws FedStreamException (code {@code INVALID_CONDITION}) naming the first bad condition
   */
  public static void checkConditions(Map<String, Value> conditions) {
    Condition.parseAll(conditions);
  }

  /**
   * Builds a checked register-table record with a fresh registration id and {@code createdAt} now.
   *
   * @param nodeId the registering node; triggers go to its mailbox
   * @param handlerId the handler bound to the expression; it becomes the trigger's tag
   * @param expression unit events {@code source:tag:amount} with AND, OR and parentheses
   * @return the record to write to {@code Topics.conditionalEvents(ns)} keyed by its id
   * @throws FedStreamException (code {@code INVALID_CONDITION}) if the expression cannot be parsed
   * @throws IllegalArgumentException if nodeId or handlerId is empty
   */
  public static ConditionalEvent conditionalEvent(String nodeId, String handlerId, String expression) {
    return conditionalEvent(UUID.randomUUID().toString(), nodeId, handlerId, expression);
  }

  /**
   * Builds a checked register-table record with a given registration id and {@code createdAt} now.
   *
   * @param registrationId the record's id and key (the id the router's rejection and triggers name)
   * @param nodeId the registering node; triggers go to its mailbox
   * @param handlerId the handler bound to the expression; it becomes the trigger's tag
   * @param expression unit events {@code source:tag:amount} with AND, OR and parentheses
   * @return the record to write to {@code Topics.conditionalEvents(ns)} keyed by its id
   * @throws FedStreamException (code {@code INVALID_CONDITION}) if the expression cannot be parsed
   * @throws IllegalArgumentException if an id is empty
   */
  public static ConditionalEvent conditionalEvent(String registrationId, String nodeId, String handlerId,
      String expression) {
    requireText("registrationId", registrationId);
    requireText("nodeId", nodeId);
    requireText("handlerId", handlerId);
    checkExpression(expression);
    return ConditionalEvent.newBuilder()
        .setRegistrationId(registrationId)
        .setNodeId(nodeId)
        .setHandlerId(handlerId)
        .setExpression(expression)
        .setCreatedAt(Instant.now())
        .build();
  }

  /**
   * Checks a register-table expression with the router's grammar.
   *
   * @param expression the expression
   * @throws FedStreamException (code {@code INVALID_CONDITION}) saying where the expression is wrong
   */
  public static void checkExpression(String expression) {
    Expression.parse(expression);
  }

  /**
   * Whether a payload of a trigger embeds a gathered envelope (rather than naming its position).
   *
   * @param contentType the payload's content type
   * @param schemaId the payload's schema id, null if none
   * @return true if its data is the Avro body of an envelope written with {@code schemaId}
   */
  public static boolean isEmbeddedEnvelope(String contentType, Integer schemaId) {
    return RoutedRecords.ENVELOPE_CONTENT_TYPE.equals(contentType) && schemaId != null;
  }

  /**
   * The wire bytes of one envelope gathered in a trigger (framed again: magic byte, schema id,
   * Avro body), ready for the node's envelope decoder as if read from {@code Topics.mailbox(ns)}.
   *
   * @param payload a payload of a {@code TRIGGER} envelope with {@link RoutedRecords#ENVELOPE_CONTENT_TYPE}
   * @return the wire bytes
   * @throws IllegalArgumentException if the payload is a reference or has no schema id
   */
  public static byte[] gatheredWireBytes(Payload payload) {
    if (!isEmbeddedEnvelope(payload.getContentType(), payload.getSchemaId())) {
      throw new IllegalArgumentException("payload '" + payload.getName() + "' is not an embedded"
          + " envelope (content type " + payload.getContentType() + "); references are read from"
          + " the topic position in its data");
    }
    return Framing.frame(payload.getSchemaId(), payload.getData());
  }

  /**
   * Whether an envelope is a trigger from the router.
   *
   * @param e an envelope; never null
   * @return true if it is a {@code TRIGGER} from {@link RoutedRecords#ROUTER_SOURCE}
   */
  public static boolean isTrigger(Envelope e) {
    return e.getKind() == io.fedstream.avro.Kind.TRIGGER && RoutedRecords.ROUTER_SOURCE.equals(e.getSource());
  }

  private static void requireText(String what, String v) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(what + " required.");
    }
  }
}
