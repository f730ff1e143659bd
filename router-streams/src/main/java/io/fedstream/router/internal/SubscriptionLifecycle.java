package io.fedstream.router.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.LivenessState;
import io.fedstream.avro.SessionType;
import io.fedstream.avro.Subscription;
import io.fedstream.schemas.RoutedRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The two ends of a subscription's life that the channel router owns besides routing: the
 * acknowledgement it sends when it has applied a subscription, and the removal of the
 * subscriptions of nodes the router sees GONE.
 *
 * <p><b>Acknowledgement.</b> The channel router writes it in the same transaction, and after, it
 * applies the subscription; the task then matches every event it reads against it. An event the
 * emitter writes after the subscriber has read the acknowledgement is read by that task later
 * (one channel is one task, restored with its subscriptions if it moves), so it is never missed.
 *
 * <p><b>GONE subscribers.</b> Every presence check interval the channel router looks up the
 * subscribers of its subscriptions in the liveness view. A subscription whose subscriber is GONE
 * and that was created before the router first saw it GONE is removed, and its tombstone is
 * written to {@code <ns>.subscriptions}. A node that comes back under the same id subscribes again
 * (its subscriptions are new records, created after it was seen GONE, so they stay).
 */
final class SubscriptionLifecycle {

  private final Map<String, Long> goneSince = new HashMap<>();

  /** The acknowledgement of an applied subscription, to its subscriber's mailbox. */
  static Envelope acknowledgement(Subscription s, long timestamp, String position) {
    String id = s.getSubscriptionId();
    return Envelope.newBuilder()
        .setMessageId(Envelopes.id("acknowledgement", id, position))
        .setSessionId(id)
        .setSessionType(SessionType.NOTIFICATION)
        .setKind(Kind.REPLY)
        .setTag(RoutedRecords.SUBSCRIBE_TAG)
        .setSource(RoutedRecords.ROUTER_SOURCE)
        .setDestination(s.getSubscriber())
        .setCreatedAt(Instant.ofEpochMilli(timestamp))
        .setInReplyTo(id)
        .setArgs(new HashMap<>())
        .setPayloads(new ArrayList<>())
        .setError(null)
        .setAttributes(new HashMap<>())
        .build();
  }

  /**
   * The subscriptions to remove now: those whose subscriber is GONE in the liveness view and that
   * were created before this router first saw it GONE.
   *
   * @param store the channel router's store: {@code channel SEP id} to the subscription
   * @param liveness the global liveness view, node id to {@code STATE[\tgroup...]}
   * @param now wall-clock time of this check
   * @return the store keys to remove, with their subscription ids
   */
  List<KeyValue<String, String>> gone(KeyValueStore<String, byte[]> store,
      ReadOnlyKeyValueStore<String, String> liveness, long now) {
    List<KeyValue<String, String>> out = new ArrayList<>();
    Map<String, Boolean> looked = new HashMap<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        Subscription s = Binary.read(kv.value, 0, Subscription.class);
        String node = s.getSubscriber();
        boolean isGone = looked.computeIfAbsent(node, n -> {
          String v = liveness.get(n);
          return v != null && v.startsWith(LivenessState.GONE.name());
        });
        if (!isGone) {
          continue;
        }
        long since = goneSince.computeIfAbsent(node, n -> now);
        if (s.getCreatedAt() == null || s.getCreatedAt().toEpochMilli() < since) {
          out.add(KeyValue.pair(kv.key, s.getSubscriptionId()));
        }
      }
    }
    goneSince.keySet().removeIf(n -> !Boolean.TRUE.equals(looked.get(n)));
    return out;
  }
}
