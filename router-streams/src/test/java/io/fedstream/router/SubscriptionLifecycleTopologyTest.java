package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.avro.Value;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.Registry;
import io.fedstream.testkit.RegistryExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The router acknowledges accepted subscriptions and removes those of GONE subscribers. */
@ExtendWith(RegistryExtension.class)
class SubscriptionLifecycleTopologyTest {

  Harness h;

  @BeforeEach
  void start(Registry registry, @TempDir Path dir) {
    h = new Harness(registry.url(), dir, Map.of());
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void anAcceptedSubscriptionIsAcknowledgedBeforeAnyEventOfItIsDelivered() {
    Subscription s = h.subscribe("n1", "event_source", "my_event", SubscriptionMode.FOREVER,
        Map.of("a__gt", new Value(1L)));
    assertEquals(1, h.acknowledged.size());
    Envelope ack = h.acknowledged.get(0);
    assertEquals(s.getSubscriptionId(), ack.getInReplyTo());
    assertEquals("n1", ack.getDestination());
    assertEquals(RoutedRecords.SUBSCRIBE_TAG, ack.getTag());
    assertEquals(RoutedRecords.ROUTER_SOURCE, ack.getSource());
    assertNull(ack.getError(), "an acknowledgement carries no error");
    // an event emitted right after is matched: the acknowledgement was written after the subscription applied
    h.event("event-source", "alice", "my-event", Map.of("a", new Value(2L)), Map.of());
    assertEquals(1, h.mailboxEnvelopes().size());
  }

  @Test
  void aRejectedSubscriptionIsNotAcknowledged() {
    h.subscribe("n1", "r", "c", SubscriptionMode.FOREVER, Map.of("a__gtt", new Value(1L)));
    assertEquals(0, h.acknowledged.size());
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(1, got.size());
    assertTrue(got.get(0).getError() != null);
  }

  @Test
  void theSubscriptionsOfAGoneSubscriberAreRemovedWithATombstone() {
    Subscription old = RouterContract.subscription("leaver", "r", "c").setCreatedAt(Harness.T0).build();
    String topic = Topics.subscriptions(h.ns);
    h.pipe(topic, old.getSubscriptionId(), h.subscriptionWire.encode(topic, old));
    Subscription stays = RouterContract.subscription("stayer", "r", "c").setCreatedAt(Harness.T0).build();
    h.pipe(topic, stays.getSubscriptionId(), h.subscriptionWire.encode(topic, stays));
    h.heartbeat("leaver", PresenceStatus.ALIVE, 10_000);
    h.heartbeat("stayer", PresenceStatus.ALIVE, 10_000);
    h.advance(Duration.ofSeconds(1));
    assertEquals(List.of(), h.subscriptionsOut.readKeyValuesToList(), "nothing removed while both are alive");
    h.heartbeat("leaver", PresenceStatus.LEAVING, 10_000);
    h.advance(Duration.ofSeconds(2));
    List<KeyValue<String, byte[]>> tombstones = h.subscriptionsOut.readKeyValuesToList();
    assertEquals(1, tombstones.size(), "one tombstone, for the GONE node's subscription");
    assertEquals(old.getSubscriptionId(), tombstones.get(0).key);
    assertNull(tombstones.get(0).value);
    h.mailboxEnvelopes();
    h.event("r", "i1", "c", Map.of(), Map.of());
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(List.of("stayer"), got.stream().map(Envelope::getDestination).toList(),
        "the GONE node's subscription routes nothing any more");
  }
}
