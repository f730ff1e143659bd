package io.fedstream.schemas;

/**
 * The names the router writes into the envelopes it creates or forwards: its source id, the tags of
 * its coded replies, the attributes of routed events and triggers, and the content types of a
 * trigger's gathered messages. Part of the topic contract ({@code schemas/TOPICS.md},
 * {@code docs/router.md}): the router writes them, nodes in any language read them.
 */
public final class RoutedRecords {

  /**
   * The channel key of an event, {@code <role>/<channel>}: the router keeps the subscriptions of a
   * channel, and matches its events, in the task of this key's partition.
   *
   * @param role the emitting role
   * @param channel the channel (the event's tag)
   * @return the channel key
   */
  public static String channelKey(String role, String channel) {
    return role + "/" + channel;
  }

  /**
   * The partition of an event topic that the router reads an event's channel from without
   * re-keying it: murmur2 of the UTF-8 channel key modulo the partition count, as Kafka's default
   * partitioner computes it for that key. An event written to another partition is still routed,
   * after one more pass through an internal topic.
   *
   * @param role the emitting role
   * @param channel the channel (the event's tag)
   * @param partitions the event topic's partition count (6 by the contract)
   * @return the partition, {@code 0 <= p < partitions}
   * @throws IllegalArgumentException if {@code partitions < 1}
   */
  public static int channelPartition(String role, String channel, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive, was " + partitions);
    }
    byte[] key = channelKey(role, channel).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
        % partitions;
  }

  /** The {@code source} of every envelope the router creates (triggers, coded errors). */
  public static final String ROUTER_SOURCE = "fedstream-router";
  /** The role whose event topic carries join and leave events: {@code Topics.events(ns, "presence")}. */
  public static final String PRESENCE_ROLE = "presence";
  /** Channel (tag) of the event emitted when a node becomes ALIVE after being unknown or GONE. */
  public static final String JOIN_CHANNEL = "join";
  /** Channel (tag) of the event emitted when a node leaves or is declared GONE. */
  public static final String LEAVE_CHANNEL = "leave";
  /** Tag of the router's answer to a subscription: its acknowledgement (no error) or its rejection (a coded error). */
  public static final String SUBSCRIBE_TAG = "fedstream.subscribe";
  /** Tag of the coded error answering a rejected registration. */
  public static final String REGISTER_TAG = "fedstream.register";
  /** Attribute of a routed event: the comma-separated ids of the subscriptions it matched. */
  public static final String ATTR_SUBSCRIPTIONS = "fedstream.subscriptions";
  /** Attribute of a routed event: the role instance id that emitted it (the event's key). */
  public static final String ATTR_INSTANCE = "fedstream.instance";
  /** Attribute of a routed event: the emitting role. */
  public static final String ATTR_ROLE = "fedstream.role";
  /** Attribute of a trigger: the registration id. */
  public static final String ATTR_REGISTRATION = "fedstream.registration";
  /** Attribute of a trigger: its sequence number within the registration, from 0. */
  public static final String ATTR_TRIGGER_SEQUENCE = "fedstream.trigger.sequence";
  /** Attribute of a trigger: the registration's expression. */
  public static final String ATTR_EXPRESSION = "fedstream.expression";
  /** Content type of a trigger payload holding one gathered envelope (Avro body, with schemaId). */
  public static final String ENVELOPE_CONTENT_TYPE = "application/vnd.fedstream.envelope+avro";
  /**
   * Content type of a trigger payload that refers to a gathered envelope instead of holding it
   * (when the trigger would exceed its size budget): data is UTF-8 {@code topic:partition:offset}.
   */
  public static final String ENVELOPE_REF_CONTENT_TYPE = "application/vnd.fedstream.envelope-ref";

  private RoutedRecords() {
  }
}
