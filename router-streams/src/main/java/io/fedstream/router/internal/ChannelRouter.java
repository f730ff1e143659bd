package io.fedstream.router.internal;

import io.fedstream.protocol.Condition;
import io.fedstream.protocol.Values;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.SubscriptionMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The join of events with their channel's subscriptions. Both arrive re-keyed by
 * {@code role/channel}, so one task owns a channel's subscriptions and sees all its events in
 * order: a ONCE subscription is removed in the same transaction as its one delivery, so it can
 * never fire twice, even with several router instances.
 *
 * <p>The store is the truth (changelogged); an in-memory index over it, rebuilt in
 * {@link #init}, keeps the parsed conditions and a hash index of equality conditions, so an
 * event is checked only against the subscriptions that can match it.
 */
final class ChannelRouter extends Step<byte[]> {

  static final String STORE = "channel-subscriptions";

  private record Active(Subscription subscription, List<Condition> conditions, Set<String> instances,
      String indexKey, Object indexValue) {
  }

  /**
   * The subscriptions of one channel. Each subscription with an equality condition on a
   * number, string or boolean sits in a hash index under its first such condition; the rest are
   * scanned. An event thus checks only the subscriptions whose indexed equality it satisfies, plus
   * the unindexed ones, instead of every subscription of the channel.
   */
  private static final class Channel {
    final Map<String, Active> all = new LinkedHashMap<>();
    final Map<String, Map<Object, Set<String>>> equal = new HashMap<>();
    final Set<String> scan = new LinkedHashSet<>();

    void add(Active a) {
      remove(a.subscription().getSubscriptionId());
      String id = a.subscription().getSubscriptionId();
      all.put(id, a);
      if (a.indexKey() == null) {
        scan.add(id);
      } else {
        equal.computeIfAbsent(a.indexKey(), k -> new HashMap<>())
            .computeIfAbsent(a.indexValue(), k -> new LinkedHashSet<>()).add(id);
      }
    }

    void remove(String id) {
      Active a = all.remove(id);
      if (a == null) {
        return;
      }
      if (a.indexKey() == null) {
        scan.remove(id);
        return;
      }
      Map<Object, Set<String>> byValue = equal.get(a.indexKey());
      Set<String> ids = byValue.get(a.indexValue());
      ids.remove(id);
      if (ids.isEmpty()) {
        byValue.remove(a.indexValue());
        if (byValue.isEmpty()) {
          equal.remove(a.indexKey());
        }
      }
    }

    /**
     * The subscriptions that may match these args, each once, in no particular order: the
     * unindexed ones, then those whose indexed equality the args satisfy (a subscription sits
     * in one place only, so nothing repeats).
     */
    Collection<String> candidates(Map<String, io.fedstream.avro.Value> args) {
      if (args == null || args.isEmpty() || equal.isEmpty()) {
        return scan;
      }
      List<Set<String>> hits = new ArrayList<>(2);
      if (equal.size() <= args.size()) {
        for (Map.Entry<String, Map<Object, Set<String>>> e : equal.entrySet()) {
          io.fedstream.avro.Value v = args.get(e.getKey());
          addHit(hits, v == null ? null : e.getValue(), v);
        }
      } else {
        for (Map.Entry<String, io.fedstream.avro.Value> e : args.entrySet()) {
          addHit(hits, equal.get(e.getKey()), e.getValue());
        }
      }
      if (hits.isEmpty()) {
        return scan;
      }
      if (scan.isEmpty() && hits.size() == 1) {
        return hits.get(0);
      }
      List<String> out = new ArrayList<>(scan);
      for (Set<String> ids : hits) {
        out.addAll(ids);
      }
      return out;
    }

    private static void addHit(List<Set<String>> hits, Map<Object, Set<String>> byValue,
        io.fedstream.avro.Value v) {
      if (byValue == null) {
        return;
      }
      Object key = Values.indexKey(v);
      Set<String> ids = key == null ? null : byValue.get(key);
      if (ids != null) {
        hits.add(ids);
      }
    }
  }

  private KeyValueStore<String, byte[]> store;
  private byte[] mailboxHeader;
  private final Map<String, Channel> byChannel = new HashMap<>();
  private final SubscriptionLifecycle lifecycle = new SubscriptionLifecycle();

  ChannelRouter(Settings settings) {
    super(settings);
  }

  @Override
  public void init(ProcessorContext<String, Out> context) {
    super.init(context);
    store = context.getStateStore(STORE);
    byChannel.clear();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        int at = kv.key.indexOf(Envelopes.SEP);
        index(kv.key.substring(0, at), Binary.read(kv.value, 0, Subscription.class));
      }
    }
    org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, String> liveness =
        context.getStateStore(LivenessView.STORE);
    context.schedule(java.time.Duration.ofMillis(settings.presenceCheckIntervalMs()),
        org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME, now -> removeGone(liveness, now));
  }

  /** Removes the subscriptions of GONE subscribers ({@link SubscriptionLifecycle}). */
  private void removeGone(org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, String> liveness, long now) {
    for (KeyValue<String, String> gone : lifecycle.gone(store, liveness, now)) {
      store.delete(gone.key);
      unindex(gone.key.substring(0, gone.key.indexOf(Envelopes.SEP)), gone.value);
      LOG.info("subscription {} removed: its subscriber is GONE", gone.value);
      emit(Out.Route.SUBSCRIPTIONS, gone.value, null, now);
    }
  }

  private void index(String channel, Subscription s) {
    List<Condition> conditions = Condition.parseAll(s.getConditions());
    String indexKey = null;
    Object indexValue = null;
    for (Condition c : conditions) {
      Object k = c.op() == Condition.Op.EQ ? Values.indexKey(c.literal()) : null;
      if (k != null) {
        indexKey = c.key();
        indexValue = k;
        break;
      }
    }
    byChannel.computeIfAbsent(channel, k -> new Channel()).add(new Active(s, conditions,
        new HashSet<>(s.getInstances()), indexKey, indexValue));
  }

  private void unindex(String channel, String id) {
    Channel c = byChannel.get(channel);
    if (c != null) {
      c.remove(id);
      if (c.all.isEmpty()) {
        byChannel.remove(channel);
      }
    }
  }

  @Override
  void handle(Record<String, byte[]> r) {
    String channel = r.key();
    byte[] v = r.value();
    switch (Tagged.tag(v)) {
      case Tagged.UPSERT: {
        Subscription s = Tagged.body(v, Subscription.class);
        store.put(channel + Envelopes.SEP + s.getSubscriptionId(), Binary.write(s));
        index(channel, s);
        emitEnvelope(Out.Route.MAILBOX, settings.mailbox(), s.getSubscriber(),
            SubscriptionLifecycle.acknowledgement(s, r.timestamp(), position()), r.timestamp());
        break;
      }
      case Tagged.REMOVE: {
        String id = Tagged.removedId(v);
        store.delete(channel + Envelopes.SEP + id);
        unindex(channel, id);
        break;
      }
      case Tagged.WIRE_EVENT:
        routeWire(r, channel, Tagged.label(v), Tagged.wireEvent(v));
        break;
      default:
        route(channel, Tagged.label(v), Tagged.body(v, Envelope.class), r.timestamp());
    }
  }

  private static String role(String channel) {
    int slash = channel.indexOf('/');
    return slash < 0 ? channel : channel.substring(0, slash);
  }

  /**
   * An event as read from its topic. With this router's own Envelope layout (the usual case) it
   * is not decoded: only its args are, and each delivery is spliced from its bytes
   * ({@link EnvelopeSplice}); else it is decoded and each delivery encoded.
   */
  private void routeWire(Record<String, byte[]> r, String channel, String instance, Tagged.WireEvent event) {
    Channel subs = byChannel.get(channel);
    if (subs == null) {
      return;
    }
    String role = role(channel);
    String topic = settings.eventsPrefix() + role;
    byte[] wire = event.wire();
    EnvelopeScan.Head h = event.head();
    Map<String, io.fedstream.avro.Value> args;
    Map<String, String> attributes;
    try {
      if (h == null) {
        // not this router's layout (the intake said so): decode, and encode each delivery
        route(channel, instance, settings.codec().decode(topic, wire, Envelope.class), r.timestamp());
        return;
      }
      args = EnvelopeSplice.args(wire, h);
      attributes = EnvelopeSplice.noAttributes(wire, h) ? Map.of() : EnvelopeSplice.attributes(wire, h);
    } catch (RuntimeException ex) {
      // The intake checked these bytes already; this is a safety net, not a path.
      rethrowIfRegistryDown(ex);
      deadLetter(r.withKey(instance).withValue(wire), io.fedstream.avro.ErrorCode.DECODE,
          "cannot decode Envelope: " + reason(ex));
      return;
    }
    List<Active> once = new ArrayList<>();
    Map<String, List<String>> bySubscriber = match(subs, instance, args, once);
    if (!bySubscriber.isEmpty() && mailboxHeader == null) {
      mailboxHeader = settings.codec().header(settings.mailbox(), Envelope.class);
    }
    for (Map.Entry<String, List<String>> d : bySubscriber.entrySet()) {
      String subscriber = d.getKey();
      Map<String, String> all = new HashMap<>(attributes);
      all.put(RoutedRecords.ATTR_SUBSCRIPTIONS, String.join(",", d.getValue()));
      all.put(RoutedRecords.ATTR_INSTANCE, instance);
      all.put(RoutedRecords.ATTR_ROLE, role);
      emitWire(Out.Route.MAILBOX, subscriber, EnvelopeSplice.delivery(mailboxHeader, wire, h, subscriber, all),
          h.messageId(), Kind.EVENT.name(), r.timestamp());
    }
    removeOnce(channel, once, r.timestamp());
  }

  /** Subscriber to the ids of its matching subscriptions; the ONCE ones are added to {@code once}. */
  private static Map<String, List<String>> match(Channel subs, String instance,
      Map<String, io.fedstream.avro.Value> args, List<Active> once) {
    Map<String, List<String>> bySubscriber = new LinkedHashMap<>();
    for (String id : subs.candidates(args)) {
      Active a = subs.all.get(id);
      if (!a.instances().isEmpty() && !a.instances().contains(instance)) {
        continue;
      }
      if (!Condition.all(a.conditions(), args)) {
        continue;
      }
      bySubscriber.computeIfAbsent(a.subscription().getSubscriber(), k -> new ArrayList<>())
          .add(a.subscription().getSubscriptionId());
      if (a.subscription().getMode() == SubscriptionMode.ONCE) {
        once.add(a);
      }
    }
    return bySubscriber;
  }

  private void removeOnce(String channel, List<Active> once, long timestamp) {
    for (Active a : once) {
      String id = a.subscription().getSubscriptionId();
      store.delete(channel + Envelopes.SEP + id);
      unindex(channel, id);
      emit(Out.Route.SUBSCRIPTIONS, id, null, timestamp);
    }
  }

  private void route(String channel, String instance, Envelope event, long timestamp) {
    Channel subs = byChannel.get(channel);
    if (subs == null) {
      return;
    }
    List<Active> once = new ArrayList<>();
    Map<String, List<String>> bySubscriber = match(subs, instance, event.getArgs(), once);
    String role = role(channel);
    // One delivery per subscriber, however many of its subscriptions matched: the node
    // deduplicates on messageId, which stays the event's own.
    // The decoded event is re-used for each delivery: it is encoded at once, so setting the
    // destination and attributes in place is safe and saves a deep copy per subscriber.
    Map<String, String> original = event.getAttributes();
    bySubscriber.forEach((subscriber, ids) -> {
      Map<String, String> attributes = new HashMap<>(original);
      attributes.put(RoutedRecords.ATTR_SUBSCRIPTIONS, String.join(",", ids));
      attributes.put(RoutedRecords.ATTR_INSTANCE, instance);
      attributes.put(RoutedRecords.ATTR_ROLE, role);
      event.setDestination(subscriber);
      event.setAttributes(attributes);
      emitEnvelope(Out.Route.MAILBOX, settings.mailbox(), subscriber, event, timestamp);
    });
    removeOnce(channel, once, timestamp);
  }
}
