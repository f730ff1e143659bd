package io.fedstream.router.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.router.RouterContract;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * {@link #init}, keeps the parsed conditions so an event costs one map lookup plus one condition
 * check per subscription of its channel.
 */
final class ChannelRouter extends Step<byte[]> {

  static final String STORE = "channel-subscriptions";

  private record Active(Subscription subscription, List<Condition> conditions, Set<String> instances) {
  }

  private KeyValueStore<String, byte[]> store;
  private final Map<String, Map<String, Active>> byChannel = new HashMap<>();

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
  }

  private void index(String channel, Subscription s) {
    byChannel.computeIfAbsent(channel, k -> new LinkedHashMap<>()).put(s.getSubscriptionId(),
        new Active(s, Condition.parseAll(s.getConditions()), new HashSet<>(s.getInstances())));
  }

  private void unindex(String channel, String id) {
    Map<String, Active> m = byChannel.get(channel);
    if (m != null) {
      m.remove(id);
      if (m.isEmpty()) {
        byChannel.remove(channel);
      }
    }
  }

  @Override
  public void process(Record<String, byte[]> r) {
    String channel = r.key();
    byte[] v = r.value();
    switch (Tagged.tag(v)) {
      case Tagged.UPSERT: {
        Subscription s = Tagged.body(v, Subscription.class);
        store.put(channel + Envelopes.SEP + s.getSubscriptionId(), Binary.write(s));
        index(channel, s);
        break;
      }
      case Tagged.REMOVE: {
        String id = Tagged.removedId(v);
        store.delete(channel + Envelopes.SEP + id);
        unindex(channel, id);
        break;
      }
      default:
        route(channel, Tagged.label(v), Tagged.body(v, Envelope.class), r.timestamp());
    }
  }

  private void route(String channel, String instance, Envelope event, long timestamp) {
    Map<String, Active> subs = byChannel.get(channel);
    if (subs == null) {
      return;
    }
    Map<String, List<String>> bySubscriber = new LinkedHashMap<>();
    List<Active> once = new ArrayList<>();
    for (Active a : subs.values()) {
      if (!a.instances().isEmpty() && !a.instances().contains(instance)) {
        continue;
      }
      if (!Condition.all(a.conditions(), event.getArgs())) {
        continue;
      }
      bySubscriber.computeIfAbsent(a.subscription().getSubscriber(), k -> new ArrayList<>())
          .add(a.subscription().getSubscriptionId());
      if (a.subscription().getMode() == SubscriptionMode.ONCE) {
        once.add(a);
      }
    }
    int slash = channel.indexOf('/');
    String role = slash < 0 ? channel : channel.substring(0, slash);
    // One delivery per subscriber, however many of its subscriptions matched: the node
    // deduplicates on messageId, which stays the event's own.
    bySubscriber.forEach((subscriber, ids) -> {
      Map<String, String> attributes = new HashMap<>(event.getAttributes());
      attributes.put(RouterContract.ATTR_SUBSCRIPTIONS, String.join(",", ids));
      attributes.put(RouterContract.ATTR_INSTANCE, instance);
      attributes.put(RouterContract.ATTR_ROLE, role);
      Envelope delivered = Envelope.newBuilder(event).setDestination(subscriber)
          .setAttributes(attributes).build();
      emitEnvelope(Out.Route.MAILBOX, settings.mailbox(), subscriber, delivered, timestamp);
    });
    for (Active a : once) {
      String id = a.subscription().getSubscriptionId();
      store.delete(channel + Envelopes.SEP + id);
      unindex(channel, id);
      emit(Out.Route.SUBSCRIPTIONS, id, null, timestamp);
    }
  }
}
