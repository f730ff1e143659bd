package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import io.fedstream.schemas.RoutedRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Payload;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.Registry;
import io.fedstream.testkit.RegistryExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RegistryExtension.class)
class RegisterTableTopologyTest {

  Harness h;
  String registryUrl;
  Path dir;

  void start(Registry registry, Path dir, Map<String, Object> extra) {
    this.registryUrl = registry.url();
    this.dir = dir;
    h = new Harness(registry.url(), dir, extra);
  }

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  List<Envelope> triggers() {
    return h.mailboxEnvelopes().stream().filter(e -> e.getKind() == Kind.TRIGGER).toList();
  }

  List<String> gatheredIds(Envelope trigger) {
    return trigger.getPayloads().stream().map(p -> {
      assertEquals(RoutedRecords.ENVELOPE_CONTENT_TYPE, p.getContentType());
      return h.envelopes.decode(Topics.mailbox(h.ns), RouterContract.gatheredWireBytes(p)).getMessageId();
    }).toList();
  }

  @Test
  void anAbsoluteAmountTriggersOnceWithTheGatheredMessagesThenResets(Registry r, @TempDir Path d) {
    start(r, d, Map.of());
    ConditionalEvent reg = h.register("master", "on-update", "worker:update:3");
    Envelope a = h.send("worker_001", "master", "update");
    h.send("worker_001", "master", "check_in"); // other tag: not gathered
    h.send("master_x", "master", "update"); // other source: not gathered
    Envelope b = h.send("worker_002", "master", "update");
    h.send("worker_003", "other-node", "update"); // other destination
    assertEquals(0, triggers().size());
    Envelope c = h.send("worker_003", "master", "update");
    List<Envelope> t = triggers();
    assertEquals(1, t.size());
    Envelope trigger = t.get(0);
    assertEquals("on-update", trigger.getTag());
    assertEquals("master", trigger.getDestination());
    assertEquals(RoutedRecords.ROUTER_SOURCE, trigger.getSource());
    assertEquals(reg.getRegistrationId(), trigger.getAttributes().get(RoutedRecords.ATTR_REGISTRATION));
    assertEquals("0", trigger.getAttributes().get(RoutedRecords.ATTR_TRIGGER_SEQUENCE));
    assertEquals(List.of(a.getMessageId(), b.getMessageId(), c.getMessageId()), gatheredIds(trigger));

    // reset: three more make the second trigger, never the first again
    h.send("worker_004", "master", "update");
    h.send("worker_005", "master", "update");
    assertEquals(0, triggers().size());
    h.send("worker_006", "master", "update");
    List<Envelope> second = triggers();
    assertEquals(1, second.size());
    assertEquals("1", second.get(0).getAttributes().get(RoutedRecords.ATTR_TRIGGER_SEQUENCE));
    assertEquals(3, second.get(0).getPayloads().size());
    assertTrue(!second.get(0).getMessageId().equals(trigger.getMessageId()));
  }

  @Test
  void andOrNestingLongestPrefixAndWildcards(Registry r, @TempDir Path d) {
    start(r, d, Map.of());
    // MARO's combined_event_mix
    h.register("master", "mix", "(worker_01:update:2 AND worker_02:update:3) OR worker_03:update:1");
    h.register("master", "any", "*:*:4");
    h.send("worker_01", "master", "update");
    h.send("worker_01", "master", "update");
    h.send("worker_02", "master", "update");
    assertEquals(0, triggers().size());
    h.send("worker_02", "master", "update");
    List<Envelope> t = triggers();
    assertEquals(List.of("any"), t.stream().map(Envelope::getTag).toList(), "*:*:4 met by any 4");
    h.send("worker_03", "master", "update");
    t = triggers();
    assertEquals(List.of("mix"), t.stream().map(Envelope::getTag).toList(), "the OR branch");
    assertEquals(5, t.get(0).getPayloads().size(), "every message gathered since the last reset");

    // longest prefix: worker_01 messages count for worker_01, not for worker
    h.register("m2", "prefix", "worker:update:2 AND worker_01:update:1");
    h.send("worker_01", "m2", "update");
    h.send("worker_01", "m2", "update");
    assertEquals(0, triggers().size(), "worker_01 messages never count for 'worker'");
    h.send("worker_07", "m2", "update");
    assertEquals(0, triggers().size());
    h.send("worker_08", "m2", "update");
    assertEquals(1, triggers().size());
  }

  @Test
  void oneMessageThatSatisfiesTwoRegistrationsTriggersBoth(Registry r, @TempDir Path d) {
    start(r, d, Map.of());
    h.register("master", "first", "worker:update:1");
    h.register("master", "second", "*:update:1");
    Envelope m = h.send("worker_1", "master", "update");
    List<Envelope> t = triggers();
    assertEquals(List.of("first", "second"), t.stream().map(Envelope::getTag).sorted().toList(),
        "registrations are independent: each gathers its own copy");
    for (Envelope trigger : t) {
      assertEquals(List.of(m.getMessageId()), gatheredIds(trigger));
    }
  }

  @Test
  void percentAmountsFollowMembershipThatChangesMidway(Registry r, @TempDir Path d) {
    start(r, d, Map.of());
    for (String w : List.of("worker_1", "worker_2", "worker_3", "worker_4")) {
      h.heartbeat(w, PresenceStatus.ALIVE, 10_000);
    }
    h.register("master", "half", "worker:update:50%");
    h.send("worker_1", "master", "update"); // 1 of the 2 needed (50% of 4)
    assertEquals(0, triggers().size());
    // two members leave: the base becomes 2, so 1 message is enough; the wall-clock re-evaluation
    // fires without waiting for another message.
    h.heartbeat("worker_3", PresenceStatus.LEAVING, 10_000);
    h.heartbeat("worker_4", PresenceStatus.LEAVING, 10_000);
    assertEquals(0, triggers().size());
    h.advance(Duration.ofMillis(1_100));
    List<Envelope> t = triggers();
    assertEquals(1, t.size());
    assertEquals(1, t.get(0).getPayloads().size());

    // a member joins mid-way: the base grows to 3, ceil(50% of 3) = 2
    h.heartbeat("worker_5", PresenceStatus.ALIVE, 10_000);
    h.send("worker_5", "master", "update");
    h.advance(Duration.ofMillis(1_100));
    assertEquals(0, triggers().size());
    h.send("worker_2", "master", "update");
    assertEquals(1, triggers().size());
  }

  @Test
  void anUnparsableExpressionIsRejectedWithACodedError(Registry r, @TempDir Path d) {
    start(r, d, Map.of());
    ConditionalEvent bad = h.register("master", "h", "worker:update:3 AND");
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(1, got.size());
    assertEquals(ErrorCode.INVALID_CONDITION, got.get(0).getError().getCode());
    assertEquals(RoutedRecords.REGISTER_TAG, got.get(0).getTag());
    assertEquals(bad.getRegistrationId(), got.get(0).getInReplyTo());
    assertEquals("master", got.get(0).getDestination());
    h.send("worker_1", "master", "update");
    assertEquals(0, h.mailboxEnvelopes().size());
  }

  @Test
  void removingARegistrationDropsWhatItGathered(Registry r, @TempDir Path d) {
    start(r, d, Map.of());
    ConditionalEvent reg = h.register("master", "h", "worker:update:2");
    h.send("worker_1", "master", "update");
    h.pipe(Topics.conditionalEvents(h.ns), reg.getRegistrationId(), null);
    h.send("worker_2", "master", "update");
    h.send("worker_3", "master", "update");
    assertEquals(0, triggers().size());
  }

  @Test
  void messagesBeyondTheEmbeddingBudgetTravelAsReferences(Registry r, @TempDir Path d) {
    start(r, d, Map.of(RouterConfig.TRIGGER_MAX_EMBEDDED_BYTES, "200"));
    h.register("master", "h", "worker:update:3");
    h.send("worker_1", "master", "update");
    h.send("worker_2", "master", "update");
    h.send("worker_3", "master", "update");
    List<Payload> ps = triggers().get(0).getPayloads();
    assertEquals(3, ps.size());
    assertEquals(RoutedRecords.ENVELOPE_CONTENT_TYPE, ps.get(0).getContentType());
    assertEquals(RoutedRecords.ENVELOPE_REF_CONTENT_TYPE, ps.get(2).getContentType());
    assertEquals(Topics.mailbox(h.ns) + ":0:2", ps.get(2).getName());
  }

  @Test
  void routerMessagesAndTriggersAreNotGathered(Registry r, @TempDir Path d) {
    start(r, d, Map.of());
    h.register("master", "h", "*:*:2");
    h.register("master", "bad", "((");  // the router's error reply lands in master's mailbox
    h.send("worker_1", "master", "update");
    assertEquals(1, h.mailboxEnvelopes().size(), "just the error reply, no trigger");
    h.send("worker_2", "master", "update");
    List<Envelope> t = triggers();
    assertEquals(1, t.size());
    assertEquals(2, t.get(0).getPayloads().size());
  }
}
