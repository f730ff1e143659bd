package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.avro.Value;
import io.fedstream.schemas.RecordHeaders;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FedStreamExtension.class)
class SubscriptionsIT {

  @Test
  void subscriptionsConditionsOnceBadRecordsEndToEnd(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    try (ItClients c = new ItClients(platform, ns)) {
      c.createEventTopic("event-source");
      try (Router router = Router.start(RouterConfig.of(c.routerSettings(dir, "r1")))) {
        assertTrue(router.awaitRunning(Duration.ofSeconds(90)), "router RUNNING");
        Subscription gt = c.subscribe(RouterContract.subscription("sub-gt", "event-source", "my-event")
            .setConditions(Map.of("a__gt", new Value(1L))).build());
        c.subscribe(RouterContract.subscription("sub-gt-c", "event-source", "my-event")
            .setConditions(Map.of("a__gt", new Value(1L), "c", new Value("16"))).build());
        c.subscribe(RouterContract.subscription("sub-d", "event-source", "my-event")
            .setConditions(Map.of("d", new Value(32L))).build());
        Subscription once = c.subscribe(RouterContract.subscription("sub-once", "event-source", "my-event")
            .setMode(SubscriptionMode.ONCE).setConditions(Map.of("a__ge", new Value(1L))).build());
        Subscription bad = c.subscribe(RouterContract.subscription("sub-bad", "event-source", "my-event")
            .setConditions(Map.of("a__between", new Value(1L))).build());

        String mailbox = Topics.mailbox(ns);
        KafkaConsumer<String, byte[]> reader = c.reader(mailbox);
        List<Envelope> got = new ArrayList<>();
        // the rejection proves the router has read the subscriptions topic
        c.readEnvelopes(reader, mailbox, Duration.ofSeconds(60),
            l -> l.stream().anyMatch(e -> e.getError() != null), got);
        Envelope rejection = got.stream().filter(e -> e.getError() != null).findFirst().orElseThrow();
        assertEquals(ErrorCode.INVALID_CONDITION, rejection.getError().getCode());
        assertEquals(bad.getSubscriptionId(), rejection.getInReplyTo());
        assertEquals("sub-bad", rejection.getDestination());

        // A subscription applies once the channel's task has read it, through an internal topic that
        // events on their channel's partition do not take: wait until a probe subscription, written
        // last, matches a probe event (which no other subscription matches).
        awaitProbe(c, reader, mailbox, 1);

        c.send(Topics.events(ns, "event-source"), "alice/src", "garbage".getBytes(StandardCharsets.UTF_8));
        Envelope m1 = c.emit("event-source", "alice/src", "my-event",
            Map.of("a", new Value(1L), "b", new Value(2L), "c", new Value("4")));
        Envelope m2 = c.emit("event-source", "alice/src", "my-event",
            Map.of("a", new Value(2L), "b", new Value(4L), "c", new Value("8")));
        Envelope m3 = c.emit("event-source", "alice/src", "my-event",
            Map.of("a", new Value(4L), "b", new Value(8L), "c", new Value("16")));
        got.clear();
        // expected: sub-gt m2 m3, sub-gt-c m3, sub-once m1 = 4 deliveries
        c.readEnvelopes(reader, mailbox, Duration.ofSeconds(60), l -> withoutProbes(l).size() >= 4, got);
        got.removeIf(SubscriptionsIT::probe);
        assertEquals(4, got.size(), got.toString());
        assertEquals(List.of(m2.getMessageId(), m3.getMessageId()), ids(got, "sub-gt"));
        assertEquals(List.of(m3.getMessageId()), ids(got, "sub-gt-c"));
        assertEquals(List.of(m1.getMessageId()), ids(got, "sub-once"));
        assertEquals(List.of(), ids(got, "sub-d"));
        assertTrue(got.stream().allMatch(e -> e.getKind() == Kind.EVENT));

        // the garbage event was dead-lettered with the reason
        KafkaConsumer<String, byte[]> dlq = c.reader(Topics.deadLetter(ns));
        ConsumerRecord<String, byte[]> dead = null;
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dead == null && System.nanoTime() < end) {
          for (ConsumerRecord<String, byte[]> r : dlq.poll(Duration.ofMillis(200))) {
            dead = r;
          }
        }
        assertTrue(dead != null, "dead-lettered");
        assertEquals("DECODE", new String(dead.headers().lastHeader(RecordHeaders.DLQ_CODE).value(), StandardCharsets.UTF_8));
        assertEquals("garbage", new String(dead.value(), StandardCharsets.UTF_8));

        // ONCE left a tombstone; unsubscribe stops sub-gt
        c.send(Topics.subscriptions(ns), gt.getSubscriptionId(), null);
        awaitProbe(c, reader, mailbox, 2);
        Envelope m4 = c.emit("event-source", "alice/src", "my-event",
            Map.of("a", new Value(5L), "c", new Value("16")));
        got.clear();
        c.readEnvelopes(reader, mailbox, Duration.ofSeconds(60), l -> !withoutProbes(l).isEmpty(), got);
        c.readEnvelopes(reader, mailbox, Duration.ofSeconds(2), l -> false, got);
        got.removeIf(SubscriptionsIT::probe);
        assertEquals(List.of("sub-gt-c"), got.stream().map(Envelope::getDestination).toList(),
            "ONCE fired already, sub-gt unsubscribed");
        assertEquals(m4.getMessageId(), got.get(0).getMessageId());
        assertTrue(onceTombstoneWritten(c, once.getSubscriptionId()));
        // every accepted subscription was acknowledged to its subscriber; the rejected one was not
        List<String> acked = c.acknowledged.stream().map(Envelope::getInReplyTo).toList();
        assertTrue(acked.contains(gt.getSubscriptionId()) && acked.contains(once.getSubscriptionId()), acked.toString());
        assertTrue(!acked.contains(bad.getSubscriptionId()), acked.toString());
      }
    }
  }

  static List<String> ids(List<Envelope> got, String subscriber) {
    return got.stream().filter(e -> e.getDestination().equals(subscriber)).map(Envelope::getMessageId).toList();
  }

  static boolean onceTombstoneWritten(ItClients c, String id) {
    KafkaConsumer<String, byte[]> r = c.reader(Topics.subscriptions(c.ns));
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      for (ConsumerRecord<String, byte[]> rec : r.poll(Duration.ofMillis(200))) {
        if (rec.key().equals(id) && rec.value() == null) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean probe(Envelope e) {
    return e.getDestination() != null && e.getDestination().startsWith("sub-probe");
  }

  private static List<Envelope> withoutProbes(List<Envelope> l) {
    return l.stream().filter(e -> !probe(e)).toList();
  }

  /**
   * Subscribes probe {@code n} and emits probe events (no other subscription matches them) until
   * one reaches it: the channel's task has read the subscription records written before it.
   */
  private static void awaitProbe(ItClients c, KafkaConsumer<String, byte[]> reader, String mailbox, int n)
      throws Exception {
    String name = "sub-probe-" + n;
    c.subscribe(RouterContract.subscription(name, "event-source", "my-event")
        .setConditions(Map.of("probe", new Value((long) n))).build());
    List<Envelope> seen = new ArrayList<>();
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (seen.stream().noneMatch(e -> name.equals(e.getDestination())) && System.nanoTime() < end) {
      c.emit("event-source", "alice/src", "my-event", Map.of("probe", new Value((long) n)));
      c.readEnvelopes(reader, mailbox, Duration.ofMillis(500), l -> false, seen);
    }
    assertTrue(seen.stream().anyMatch(e -> name.equals(e.getDestination())), name + " is live");
    List<Envelope> others = withoutProbes(seen);
    assertTrue(others.isEmpty(), "probe events matched no other subscription: " + others);
  }
}
