package io.fedstream.schemas;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The settings the contract gives one kind of topic: its default partition count and its topic
 * configs. Whoever creates a topic on demand (the SDK, the router, {@code fedstream up}) creates it
 * with the {@link NewTopic} of {@link #newTopic(String)} (or {@link #asNewTopic(String)}), so every
 * creator asks the broker for the same topic; an operator may pre-create topics with more
 * partitions.
 *
 * @param partitions default partition count (always at least 1)
 * @param configs topic-level configs, such as {@code cleanup.policy}; never null
 */
public record TopicSettings(int partitions, Map<String, String> configs) {

  /**
   * Largest record a data topic accepts, in bytes (4 MiB). Chunked payloads use 1 MiB chunks by
   * default, so a chunk and its envelope fit with room to raise the chunk size to 3 MiB.
   */
  public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private static final String SEVEN_DAYS_MS = Long.toString(7L * 24 * 3600 * 1000);
  private static final String THIRTY_DAYS_MS = Long.toString(30L * 24 * 3600 * 1000);

  /** Settings of the shared mailbox topic: 16 partitions, delete after 7 days, 4 MiB records. */
  public static final TopicSettings MAILBOX = data(16, SEVEN_DAYS_MS);
  /** Settings of a group broadcast topic: one partition so every member sees one order. */
  public static final TopicSettings GROUP = data(1, SEVEN_DAYS_MS);
  /** Settings of a role channel topic: 6 partitions, so up to 6 role instances share the load. */
  public static final TopicSettings CHANNEL = data(6, SEVEN_DAYS_MS);
  /** Settings of an event topic: 6 partitions keyed by role instance. */
  public static final TopicSettings EVENTS = data(6, SEVEN_DAYS_MS);
  /** Settings of the compacted presence and liveness topics: 6 partitions keyed by node id. */
  public static final TopicSettings PRESENCE = compacted(6);
  /** Settings of the compacted subscription and register-table topics. */
  public static final TopicSettings CONTROL = compacted(6);
  /** Settings of the compacted routing-server topics (sites, projects, runs): one partition. */
  public static final TopicSettings ADMIN = compacted(1);
  /**
   * Settings of a site's command, inbox, status and log topics and of a project's broadcast
   * topic: one partition (one order; the router keeps all routing-server state in one task), 30
   * days, 4 MiB records.
   */
  public static final TopicSettings SITE = data(1, THIRTY_DAYS_MS);
  /** Settings of the dead-letter topic: kept 30 days. */
  public static final TopicSettings DEAD_LETTER = data(3, THIRTY_DAYS_MS);

  /** Validates the record's components. */
  public TopicSettings {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
    }
    configs = Map.copyOf(Objects.requireNonNull(configs, "configs"));
  }

  /**
   * The settings for a topic name built by {@link Topics}.
   *
   * @param topic a topic name of the contract
   * @return its settings
   * @throws IllegalArgumentException if the name is not of the contract
   */
  public static TopicSettings forTopic(String topic) {
    String[] parts = topic.split("\\.");
    if (parts.length < 2) {
      throw new IllegalArgumentException("'" + topic + "' is not a FedStream topic name");
    }
    switch (parts[1]) {
      case Topics.MAILBOX: return MAILBOX;
      case Topics.GROUP: return GROUP;
      case Topics.CHANNEL: return CHANNEL;
      case Topics.EVENTS: return EVENTS;
      case Topics.PRESENCE:
      case Topics.LIVENESS: return PRESENCE;
      case Topics.SUBSCRIPTIONS:
      case Topics.CONDITIONAL_EVENTS: return CONTROL;
      case Topics.SITES:
      case Topics.PROJECTS:
      case Topics.RUNS: return ADMIN;
      case Topics.DEAD_LETTER: return DEAD_LETTER;
      case Topics.SITE:
      case Topics.PROJECT: return SITE;
      default:
        throw new IllegalArgumentException("'" + topic + "' is not a FedStream topic name");
    }
  }

  /**
   * The creation request of a contract topic: its {@link #forTopic settings}, and the broker's
   * default replication factor.
   *
   * @param topic a topic name of the contract
   * @return a new request (the caller may change it)
   * @throws IllegalArgumentException if the name is not of the contract
   */
  public static NewTopic newTopic(String topic) {
    return forTopic(topic).asNewTopic(topic);
  }

  /**
   * The creation request of a topic with these settings: these partitions and configs, the
   * broker's default replication factor.
   *
   * @param topic the topic name; must not be null
   * @return a new request (the caller may change it)
   */
  public NewTopic asNewTopic(String topic) {
    return new NewTopic(Objects.requireNonNull(topic, "topic"), Optional.of(partitions), Optional.empty())
        .configs(new HashMap<>(configs));
  }

  /** Returns a copy with another partition count. */
  public TopicSettings withPartitions(int n) {
    return new TopicSettings(n, configs);
  }

  private static TopicSettings data(int partitions, String retentionMs) {
    return new TopicSettings(partitions, Map.of(
        "cleanup.policy", "delete",
        "retention.ms", retentionMs,
        "max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES)));
  }

  private static TopicSettings compacted(int partitions) {
    return new TopicSettings(partitions, Map.of(
        "cleanup.policy", "compact",
        "min.cleanable.dirty.ratio", "0.1",
        "segment.ms", Long.toString(3600L * 1000),
        "max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES)));
  }
}
