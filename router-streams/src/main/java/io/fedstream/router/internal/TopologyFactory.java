package io.fedstream.router.internal;

import io.fedstream.router.RouterConfig;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the router's topology. Four independent parts, each a sub-topology of its own:
 *
 * <ol>
 *   <li>subscriptions + events, both keyed by {@code role/channel}, joined in {@link ChannelRouter}
 *       (events already on their channel's partition skip the re-keying);
 *   <li>registrations re-keyed by node, with the mailbox, in {@link RegisterTable};
 *   <li>heartbeats into liveness and join/leave events, in {@link PresenceTracker};
 *   <li>a global store of liveness for {@code %} amounts ({@link LivenessView}).
 * </ol>
 */
public final class TopologyFactory {

  /** Repartition topic names (prefixed by Streams with the application id). */
  static final String SUBSCRIPTIONS_BY_CHANNEL = "subscriptions-by-channel";
  static final String EVENTS_BY_CHANNEL = "events-by-channel";
  static final String REGISTRATIONS_BY_NODE = "registrations-by-node";

  private static final Serde<String> KEYS = Serdes.String();
  private static final Serde<byte[]> BYTES = Serdes.ByteArray();

  private TopologyFactory() {
  }

  /** The settings the processors use, taken from the config. */
  public static Settings settings(RouterConfig config, Codec codec) {
    return new Settings(config.namespace(), config.instanceId(), codec,
        config.presenceCheckIntervalMs(), config.presenceGoneAfterTimeouts(),
        config.triggerMaxEmbeddedBytes(), config.channelPartitions());
  }

  /**
   * Builds the topology.
   *
   * @param config the router config
   * @param codec the wire codec of the public topics
   * @return the topology; building has no side effect
   */
  public static Topology build(RouterConfig config, Codec codec) {
    Settings s = settings(config, codec);
    String ns = s.namespace();
    StreamsBuilder b = new StreamsBuilder();

    // Large envelopes are gathered in the register table: its changelog takes 4 MiB records.
    Map<String, String> bigChangelog = Map.of("max.message.bytes",
        Integer.toString(TopicSettings.MAX_MESSAGE_BYTES + 64 * 1024));
    b.addStateStore(kv(config, SubscriptionIntake.STORE, KEYS, Map.of()));
    b.addStateStore(kv(config, ChannelRouter.STORE, BYTES, Map.of()));
    b.addStateStore(kv(config, RegistrationIntake.STORE, KEYS, Map.of()));
    b.addStateStore(kv(config, RegisterTable.REGISTRATIONS, BYTES, Map.of()));
    b.addStateStore(kv(config, RegisterTable.STATE, BYTES, Map.of()));
    b.addStateStore(kv(config, RegisterTable.GATHERED, BYTES, bigChangelog));
    b.addStateStore(kv(config, PresenceTracker.STORE, BYTES, Map.of()));

    // 1. subscriptions and events, joined per channel.
    KStream<String, Out> subscriptions = b
        .stream(Topics.subscriptions(ns), Consumed.with(KEYS, BYTES).withName("subscriptions-source"))
        .process(() -> new SubscriptionIntake(s), Named.as("subscription-intake"), SubscriptionIntake.STORE);
    KStream<String, Out> events = b
        .stream(Pattern.compile(Pattern.quote(s.eventsPrefix()) + "[a-z0-9][a-z0-9-]*"),
            Consumed.with(KEYS, BYTES).withName("events-source"))
        .process(() -> new EventIntake(s), Named.as("event-intake"));
    KStream<String, byte[]> subscriptionsByChannel = internal(subscriptions, Out.Route.CHANNEL,
        SUBSCRIPTIONS_BY_CHANNEL, config.channelPartitions());
    KStream<String, byte[]> eventsByChannel = internal(events, Out.Route.CHANNEL, EVENTS_BY_CHANNEL,
        config.channelPartitions());
    // Events already on their channel's partition go straight to the channel router: this
    // sub-topology reads partition p of the event topics and of both re-keyed topics in one task.
    KStream<String, byte[]> eventsInPlace = events
        .filter((k, o) -> o.route() == Out.Route.CHANNEL_IN_PLACE, Named.as("events-in-place-select"))
        .mapValues(Out::value, Named.as("events-in-place-value"));
    KStream<String, Out> routed = subscriptionsByChannel
        .merge(eventsByChannel, Named.as("channel-merge"))
        .merge(eventsInPlace, Named.as("channel-merge-in-place"))
        .process(() -> new ChannelRouter(s), Named.as("channel-router"), ChannelRouter.STORE);
    sink(subscriptions, "subscription-intake", s, Out.Route.MAILBOX, Out.Route.DLQ);
    sink(events, "event-intake", s, Out.Route.DLQ);
    sink(routed, "channel-router", s, Out.Route.MAILBOX, Out.Route.SUBSCRIPTIONS, Out.Route.DLQ);

    // 2. the conditional event register table, co-partitioned with the mailbox.
    b.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LivenessView.STORE), KEYS, KEYS)
            .withLoggingDisabled(),
        s.liveness(), Consumed.with(KEYS, BYTES).withName("liveness-source"),
        () -> new LivenessView(codec, s.liveness()));
    KStream<String, Out> registrations = b
        .stream(Topics.conditionalEvents(ns), Consumed.with(KEYS, BYTES).withName("registrations-source"))
        .process(() -> new RegistrationIntake(s), Named.as("registration-intake"), RegistrationIntake.STORE);
    KStream<String, byte[]> registrationsByNode = internal(registrations, Out.Route.NODE,
        REGISTRATIONS_BY_NODE, config.mailboxPartitions());
    KStream<String, byte[]> mailbox = b.stream(s.mailbox(),
        Consumed.with(KEYS, BYTES).withName("mailbox-source"));
    // messages broadcast to groups count too: each group record copied to every mailbox partition
    KStream<String, byte[]> groupCopies = b
        .stream(Pattern.compile(Pattern.quote(ns + "." + Topics.GROUP + ".") + "[a-z0-9][a-z0-9-]*"),
            Consumed.with(KEYS, BYTES).withName("group-messages-source"))
        .process(() -> new GroupMessages.FanOut(config.mailboxPartitions()), Named.as("group-messages-fan-out"))
        .repartition(Repartitioned.<String, byte[]>as(GroupMessages.BY_PARTITION).withKeySerde(KEYS)
            .withValueSerde(BYTES).withNumberOfPartitions(config.mailboxPartitions())
            .withStreamPartitioner(GroupMessages.PARTITIONER));
    KStream<String, Out> triggers = registrationsByNode
        .merge(mailbox, Named.as("register-table-merge"))
        .merge(groupCopies, Named.as("register-table-merge-groups"))
        .process(() -> new RegisterTable(s), Named.as("register-table"), RegisterTable.REGISTRATIONS,
            RegisterTable.STATE, RegisterTable.GATHERED);
    sink(registrations, "registration-intake", s, Out.Route.MAILBOX, Out.Route.DLQ);
    sink(triggers, "register-table", s, Out.Route.MAILBOX, Out.Route.DLQ);

    // 3. presence.
    KStream<String, Out> presence = b
        .stream(Topics.presence(ns), Consumed.with(KEYS, BYTES).withName("presence-source"))
        .process(() -> new PresenceTracker(s), Named.as("presence-tracker"), PresenceTracker.STORE);
    sink(presence, "presence-tracker", s, Out.Route.LIVENESS, Out.Route.PRESENCE_EVENTS, Out.Route.DLQ);

    // 4. the routing server: sites, projects and runs (docs/projects.md).
    io.fedstream.router.internal.projects.ProjectsTopology.add(b, config, codec);

    return b.build();
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> kv(RouterConfig config, String name,
      Serde<V> values, Map<String, String> changelog) {
    return Stores.keyValueStoreBuilder(config.inMemoryStores() ? Stores.inMemoryKeyValueStore(name)
        : Stores.persistentKeyValueStore(name), KEYS, values).withLoggingEnabled(changelog);
  }

  private static KStream<String, byte[]> internal(KStream<String, Out> out, Out.Route route,
      String name, int partitions) {
    return out.filter((k, o) -> o.route() == route, Named.as(name + "-select"))
        .mapValues(Out::value, Named.as(name + "-value"))
        .repartition(Repartitioned.<String, byte[]>as(name).withKeySerde(KEYS).withValueSerde(BYTES)
            .withNumberOfPartitions(partitions));
  }

  private static void sink(KStream<String, Out> out, String from, Settings s, Out.Route... routes) {
    for (Out.Route route : routes) {
      String name = from + "-to-" + route.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      out.filter((k, o) -> o.route() == route, Named.as(name + "-select"))
          .mapValues(Out::value, Named.as(name + "-value"))
          .to(topic(s, route), Produced.with(KEYS, BYTES).withName(name));
    }
  }

  private static String topic(Settings s, Out.Route route) {
    switch (route) {
      case MAILBOX: return s.mailbox();
      case SUBSCRIPTIONS: return Topics.subscriptions(s.namespace());
      case LIVENESS: return s.liveness();
      case PRESENCE_EVENTS: return s.presenceEvents();
      case DLQ: return Topics.deadLetter(s.namespace());
      default: throw new IllegalArgumentException("no public topic for " + route);
    }
  }
}
