package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import io.fedstream.schemas.RoutedRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.avro.Value;
import io.fedstream.schemas.RecordHeaders;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.Registry;
import io.fedstream.testkit.RegistryExtension;
import org.apache.avro.Schema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RegistryExtension.class)
class SubscriptionTopologyTest {

  Harness h;

  @BeforeEach
  void start(Registry registry, @TempDir Path dir) {
    h = new Harness(registry.url(), dir, Map.of());
  }

  @AfterEach
  void stop() {
    h.close();
  }

  static Map<String, Value> args(Object... kv) {
    Map<String, Value> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], new Value(kv[i + 1]));
    }
    return m;
  }

  static Map<String, ByteBuffer> payloadD(long d) {
    return Map.of("d", ByteBuffer.wrap(Long.toString(d).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theIssueExampleDeliversExactlyTheMatchingEvents() {
    h.subscribe("sub-gt", "event-source", "my_event", SubscriptionMode.FOREVER, args("a__gt", 1L));
    h.subscribe("sub-gt-c", "event-source", "my-event", SubscriptionMode.FOREVER, args("a__gt", 1L, "c", "16"));
    h.subscribe("sub-d", "event-source", "my-event", SubscriptionMode.FOREVER, args("d", 32L));
    Envelope m1 = h.event("event-source", "alice/src", "my-event", args("a", 1L, "b", 2L, "c", "4"), payloadD(8));
    Envelope m2 = h.event("event-source", "alice/src", "my-event", args("a", 2L, "b", 4L, "c", "8"), payloadD(16));
    Envelope m3 = h.event("event-source", "alice/src", "my-event", args("a", 4L, "b", 8L, "c", "16"), payloadD(32));

    List<Envelope> got = h.mailboxEnvelopes();
    Map<String, List<String>> bySubscriber = got.stream().collect(Collectors.groupingBy(
        Envelope::getDestination, LinkedHashMap::new,
        Collectors.mapping(Envelope::getMessageId, Collectors.toList())));
    assertEquals(List.of(m2.getMessageId(), m3.getMessageId()), bySubscriber.get("sub-gt"));
    assertEquals(List.of(m3.getMessageId()), bySubscriber.get("sub-gt-c"));
    assertNull(bySubscriber.get("sub-d"), "payloads are never used in conditions");
    assertEquals(3, got.size());
    Envelope delivered = got.get(0);
    assertEquals(Kind.EVENT, delivered.getKind());
    assertEquals("event-source", delivered.getAttributes().get(RoutedRecords.ATTR_ROLE));
    assertEquals("alice/src", delivered.getAttributes().get(RoutedRecords.ATTR_INSTANCE));
    assertEquals(m2.getPayloads(), delivered.getPayloads(), "payloads travel unchanged");
    assertEquals(m2.getArgs(), delivered.getArgs());
    assertTrue(m1.getMessageId() != null);
  }

  @Test
  void anEventOnItsChannelsPartitionSkipsTheReKeyingAndOneElsewhereTakesIt() {
    // The test driver reads every input record from partition 0: pick one channel that hashes there
    // and one that does not.
    String here = null;
    String elsewhere = null;
    for (int i = 0; here == null || elsewhere == null; i++) {
      String c = "c" + i;
      if (RoutedRecords.channelPartition("r", c, 6) == 0) {
        here = here == null ? c : here;
      } else {
        elsewhere = elsewhere == null ? c : elsewhere;
      }
    }
    h.subscribe("n-here", "r", here, SubscriptionMode.FOREVER, Map.of());
    h.subscribe("n-elsewhere", "r", elsewhere, SubscriptionMode.FOREVER, Map.of());
    var rekeyed = h.output(h.config.applicationId() + "-events-by-channel-repartition");
    Envelope a = h.event("r", "i1", here, Map.of(), Map.of());
    assertTrue(rekeyed.isEmpty(), "an event on its channel's partition is not re-keyed");
    Envelope b = h.event("r", "i1", elsewhere, Map.of(), Map.of());
    assertEquals(List.of("r/" + elsewhere), rekeyed.readKeyValuesToList().stream().map(kv -> kv.key).toList());
    Map<String, String> delivered = h.mailboxEnvelopes().stream()
        .collect(Collectors.toMap(Envelope::getDestination, Envelope::getMessageId));
    assertEquals(Map.of("n-here", a.getMessageId(), "n-elsewhere", b.getMessageId()), delivered);
  }

  @Test
  void deliveredRecordsCarryTheContractHeaders() {
    h.subscribe("n1", "r", "c", SubscriptionMode.FOREVER, Map.of());
    Envelope e = h.event("r", "i1", "c", Map.of(), Map.of());
    TestRecord<String, byte[]> r = h.nextMailboxRecord();
    assertEquals("n1", r.key());
    assertEquals(e.getMessageId(), new String(r.headers().lastHeader(RecordHeaders.MESSAGE_ID).value(), StandardCharsets.UTF_8));
    assertEquals("EVENT", new String(r.headers().lastHeader(RecordHeaders.KIND).value(), StandardCharsets.UTF_8));
  }

  @Test
  void anEventWithoutArgsMatchesNoConditionOnAMissingKeyButMatchesNoConditions() {
    h.subscribe("cond", "r", "c", SubscriptionMode.FOREVER, args("a__lt", 10L));
    h.subscribe("cond-contains", "r", "c", SubscriptionMode.FOREVER, args("tags__contains", "x"));
    h.subscribe("all", "r", "c", SubscriptionMode.FOREVER, Map.of());
    h.event("r", "i1", "c", Map.of(), Map.of());
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(List.of("all"), got.stream().map(Envelope::getDestination).toList());
  }

  @Test
  void onceIsRemovedAfterTheFirstDeliveryWithATombstone() {
    Subscription s = h.subscribe("n1", "r", "c", SubscriptionMode.ONCE, args("a__ge", 2L));
    h.event("r", "i1", "c", args("a", 1L), Map.of());
    h.event("r", "i1", "c", args("a", 2L), Map.of());
    h.event("r", "i1", "c", args("a", 3L), Map.of());
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(1, got.size());
    assertEquals(2L, got.get(0).getArgs().get("a").getV());
    TestRecord<String, byte[]> tomb = h.subscriptionsOut.readRecord();
    assertEquals(s.getSubscriptionId(), tomb.key());
    assertNull(tomb.value());
    assertTrue(h.subscriptionsOut.isEmpty());
  }

  @Test
  void unsubscribeStopsDeliveryAndResubscribeUnderANewChannelMoves() {
    Subscription s = h.subscribe("n1", "r", "c", SubscriptionMode.FOREVER, Map.of());
    h.event("r", "i1", "c", Map.of(), Map.of());
    assertEquals(1, h.mailboxEnvelopes().size());
    h.unsubscribe(s.getSubscriptionId());
    h.event("r", "i1", "c", Map.of(), Map.of());
    assertEquals(0, h.mailboxEnvelopes().size());

    // The same id re-written for another channel leaves the old channel.
    Subscription moved = h.subscribe("n2", "r", "c", SubscriptionMode.FOREVER, Map.of());
    Subscription replaced = Subscription.newBuilder(moved).setChannel("other").build();
    String topic = Topics.subscriptions(h.ns);
    h.pipe(topic, replaced.getSubscriptionId(), h.subscriptionWire.encode(topic, replaced));
    h.event("r", "i1", "c", Map.of(), Map.of());
    h.event("r", "i1", "other", Map.of(), Map.of());
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(1, got.size());
    assertEquals("other", got.get(0).getTag());
  }

  @Test
  void instancesRestrictTheEmittersAndTwoMatchesMakeOneDelivery() {
    h.subscribe("n1", "r", "c", SubscriptionMode.FOREVER, Map.of(), "alice/src");
    h.subscribe("n1", "r", "c", SubscriptionMode.FOREVER, args("a", 1L));
    h.event("r", "bob/src", "c", args("a", 2L), Map.of());
    assertEquals(0, h.mailboxEnvelopes().size());
    h.event("r", "alice/src", "c", args("a", 1L), Map.of());
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(1, got.size(), "one delivery per subscriber even when two subscriptions match");
    assertEquals(2, got.get(0).getAttributes().get(RoutedRecords.ATTR_SUBSCRIPTIONS).split(",").length);
  }

  @Test
  void anUnparsableConditionIsRejectedWithACodedErrorToTheSubscriber() {
    Subscription s = h.subscribe("n1", "r", "c", SubscriptionMode.FOREVER, args("a__gtt", 1L));
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(1, got.size());
    Envelope err = got.get(0);
    assertEquals(Kind.REPLY, err.getKind());
    assertEquals(RoutedRecords.ROUTER_SOURCE, err.getSource());
    assertEquals(RoutedRecords.SUBSCRIBE_TAG, err.getTag());
    assertEquals(s.getSubscriptionId(), err.getInReplyTo());
    assertEquals(ErrorCode.INVALID_CONDITION, err.getError().getCode());
    assertTrue(err.getError().getReason().contains("gtt"), err.getError().getReason());
    h.event("r", "i1", "c", args("a", 5L), Map.of());
    assertEquals(0, h.mailboxEnvelopes().size(), "a rejected subscription delivers nothing");
  }

  @Test
  void undecodableOrWrongKindEventsAreDeadLetteredAndTheRouterGoesOn() {
    h.subscribe("n1", "r", "c", SubscriptionMode.FOREVER, Map.of());
    String topic = Topics.events(h.ns, "r");
    h.pipe(topic, "i1", "not avro".getBytes(StandardCharsets.UTF_8));
    Envelope wrongKind = Harness.envelope(Kind.MESSAGE, "i1", null, "c", Map.of()).build();
    h.pipe(topic, "i1", h.envelopes.encode(topic, wrongKind));
    h.event("r", "i1", "c", Map.of(), Map.of());

    List<TestRecord<String, byte[]>> dead = h.dlq.readRecordsToList();
    assertEquals(2, dead.size());
    assertEquals("DECODE", header(dead.get(0), RecordHeaders.DLQ_CODE));
    assertEquals(topic, header(dead.get(0), RecordHeaders.DLQ_TOPIC));
    assertEquals("0", header(dead.get(0), RecordHeaders.DLQ_OFFSET));
    assertEquals("router", header(dead.get(0), RecordHeaders.DLQ_BY));
    assertEquals("not avro", new String(dead.get(0).value(), StandardCharsets.UTF_8), "original bytes");
    assertEquals("REJECTED", header(dead.get(1), RecordHeaders.DLQ_CODE));
    assertEquals(1, h.mailboxEnvelopes().size(), "the good event after them is still routed");
  }

  @Test
  void aDamagedEventOfAKnownSchemaIsDeadLetteredWithItsOriginalBytes() {
    // The first record of a schema id is decoded in full; later ones only scanned: damage one
    // of those, after a good event has made the id known.
    h.subscribe("n1", "r", "c", SubscriptionMode.FOREVER, Map.of());
    String topic = Topics.events(h.ns, "r");
    h.event("r", "i1", "c", args("a", 1L), Map.of());
    byte[] good = h.envelopes.encode(topic, Harness.envelope(Kind.EVENT, "i1", null, "c", args("a", 2L)).build());
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 2);
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    h.pipe(topic, "i1", truncated);
    h.pipe(topic, "i1", trailing);
    h.pipe(topic, "i1", good);

    List<TestRecord<String, byte[]>> dead = h.dlq.readRecordsToList();
    assertEquals(2, dead.size());
    assertEquals("DECODE", header(dead.get(0), RecordHeaders.DLQ_CODE));
    assertEquals(topic, header(dead.get(0), RecordHeaders.DLQ_TOPIC));
    assertEquals("1", header(dead.get(0), RecordHeaders.DLQ_OFFSET));
    assertEquals("i1", dead.get(0).key());
    assertTrue(java.util.Arrays.equals(truncated, dead.get(0).value()), "original bytes");
    assertEquals("2", header(dead.get(1), RecordHeaders.DLQ_OFFSET));
    assertEquals(List.of(1L, 2L), h.mailboxEnvelopes().stream()
        .map(e -> (Long) e.getArgs().get("a").getV()).toList(), "the good events around them are routed");
  }

  @Test
  void anEventWrittenWithAnotherCompatibleSchemaIsRoutedToo() {
    // A newer writer with one more field: not this router's layout, so it is decoded and each
    // delivery encoded, instead of spliced.
    Schema compiled = Envelope.getClassSchema();
    List<Schema.Field> fields = new java.util.ArrayList<>();
    for (Schema.Field f : compiled.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field("extra", Schema.create(Schema.Type.STRING), "added later", ""));
    Schema newer = Schema.createRecord(compiled.getName(), compiled.getDoc(), compiled.getNamespace(), false, fields);
    String topic = Topics.events(h.ns, "r");
    int id = h.registry.register(topic + "-value", newer);
    h.subscribe("n1", "r", "c", SubscriptionMode.FOREVER, args("a", 3L));
    Envelope e = Harness.envelope(Kind.EVENT, "i1", null, "c", args("a", 3L))
        .setAttributes(new java.util.HashMap<>(Map.of("round", "4"))).build();
    byte[] old = h.envelopes.encode(topic, e);
    byte[] bytes = java.nio.ByteBuffer.allocate(old.length + 2).put((byte) 0).putInt(id)
        .put(old, 5, old.length - 5).put((byte) 2).put((byte) 'x').array();
    h.pipe(topic, "i1", bytes);

    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(1, got.size());
    assertEquals(e.getMessageId(), got.get(0).getMessageId());
    assertEquals("n1", got.get(0).getDestination());
    assertEquals("4", got.get(0).getAttributes().get("round"));
    assertEquals("i1", got.get(0).getAttributes().get(RoutedRecords.ATTR_INSTANCE));
    assertEquals(0, h.dlq.readRecordsToList().size());
  }

  @Test
  void anUndecodableSubscriptionIsDeadLettered() {
    h.pipe(Topics.subscriptions(h.ns), "x", new byte[] {0, 0, 0, 0, 1, 2});
    assertEquals("DECODE", header(h.dlq.readRecord(), RecordHeaders.DLQ_CODE));
  }

  @Test
  void aRecordKeyedOtherwiseThanItsIdOrWithABadNameIsRejected() {
    Subscription s = RouterContract.subscription("n1", "r", "c").build();
    String topic = Topics.subscriptions(h.ns);
    h.pipe(topic, "another-key", h.subscriptionWire.encode(topic, s));
    Subscription badRole = Subscription.newBuilder(s).setRole("Bad.Role").build();
    h.pipe(topic, s.getSubscriptionId(), h.subscriptionWire.encode(topic, badRole));
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(2, got.size());
    assertTrue(got.stream().allMatch(e -> e.getError().getCode() == ErrorCode.REJECTED), got.toString());
    assertTrue(got.get(0).getError().getReason().contains("key the record by its subscriptionId"));
    h.pipe(topic, null, h.subscriptionWire.encode(topic, s));
    assertEquals("REJECTED", header(h.dlq.readRecord(), RecordHeaders.DLQ_CODE));
  }

  @Test
  void undecodableRegistrationsAndHeartbeatsWithoutKeyAreDeadLettered() {
    h.pipe(Topics.conditionalEvents(h.ns), "reg", new byte[] {9});
    h.pipe(Topics.presence(h.ns), null, new byte[] {0, 0, 0, 0, 1});
    List<TestRecord<String, byte[]>> dead = h.dlq.readRecordsToList();
    assertEquals(List.of("DECODE", "REJECTED"), dead.stream().map(r -> header(r, RecordHeaders.DLQ_CODE)).toList());
  }

  @Test
  void theTopologyIsAPureFunctionOfTheConfig() {
    assertEquals(RouterTopology.build(h.config).describe().toString(),
        RouterTopology.build(h.config).describe().toString());
    String d = RouterTopology.build(h.config).describe().toString();
    for (String t : List.of(Topics.subscriptions(h.ns), Topics.conditionalEvents(h.ns), Topics.mailbox(h.ns),
        Topics.presence(h.ns), Topics.liveness(h.ns), Topics.deadLetter(h.ns))) {
      assertTrue(d.contains(t), t);
    }
  }

  static String header(TestRecord<String, byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
