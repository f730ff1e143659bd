package io.fedstream.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Kind;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.avro.Value;
import io.fedstream.schemas.Limits;
import io.fedstream.schemas.RecordHeaders;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.Registry;
import io.fedstream.testkit.RegistryExtension;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control records and events that used to stop the router's stream thread for good (it was
 * replaced, re-read the same record from the compacted topic and died again). Each is now
 * rejected or dead-lettered with a code, every output stays under the topics' size limit, and the
 * router goes on routing.
 */
@ExtendWith(RegistryExtension.class)
class PoisonRecordTopologyTest {

  /** Rejections and dead-letter reasons quote at most this much of any input. */
  static final int SMALL = 16 * 1024;

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
  void twentyThousandNestedParenthesesAreRejectedAndTheRouterGoesOn() {
    ConditionalEvent bad = h.register("master", "h", "(".repeat(20_000) + "w:u:1" + ")".repeat(20_000));
    Envelope reply = onlyRejection(bad.getRegistrationId());
    assertEquals(ErrorCode.INVALID_CONDITION, reply.getError().getCode());
    assertTrue(reply.getError().getReason().contains("" + Limits.MAX_EXPRESSION_CHARS), reply.getError().getReason());
    stillTriggers();
  }

  @Test
  void parenthesesNestAtMostTheDocumentedDepth() {
    String deepest = "(".repeat(Limits.MAX_EXPRESSION_DEPTH) + "w:u:1" + ")".repeat(Limits.MAX_EXPRESSION_DEPTH);
    h.register("master", "ok", deepest);
    assertEquals(0, h.mailboxEnvelopes().size(), "64 levels are accepted");
    String tooDeep = "(" + deepest + ")";
    ConditionalEvent bad = h.register("master", "h", tooDeep);
    Envelope reply = onlyRejection(bad.getRegistrationId());
    assertEquals(ErrorCode.INVALID_CONDITION, reply.getError().getCode());
    assertTrue(reply.getError().getReason().contains("deeper than " + Limits.MAX_EXPRESSION_DEPTH),
        reply.getError().getReason());
  }

  @Test
  void expressionsOfAFewMegabytesAreRejectedWithABoundedReason() {
    String garbage = "x ".repeat(1_500_000);
    String valid = "w:u:1 OR ".repeat(300_000) + "w:u:1";
    for (String expression : List.of(garbage, valid)) {
      ConditionalEvent bad = h.register("master", "h", expression);
      List<TestRecord<String, byte[]>> out = h.mailbox.readRecordsToList();
      assertEquals(1, out.size());
      assertTrue(out.get(0).value().length < SMALL, "a rejection of " + out.get(0).value().length + " bytes");
      Envelope reply = h.envelopes.decode(Topics.mailbox(h.ns), out.get(0).value());
      assertEquals(bad.getRegistrationId(), reply.getInReplyTo());
      assertEquals(ErrorCode.INVALID_CONDITION, reply.getError().getCode());
    }
    stillTriggers();
  }

  @Test
  void aTriggerCarriesTheExpressionOnce() {
    h.register("master", "h", "w:u:1");
    h.send("w_1", "master", "u");
    Envelope trigger = triggers().get(0);
    assertEquals("w:u:1", trigger.getAttributes().get(RoutedRecords.ATTR_EXPRESSION));
    assertFalse(trigger.getArgs().containsKey("expression"), "the expression is not copied into args too");
  }

  @Test
  void aConditionLiteralNestedTenThousandDeepIsDeadLetteredAndTheRouterGoesOn() {
    String topic = Topics.subscriptions(h.ns);
    String id = UUID.randomUUID().toString();
    h.pipe(topic, id, deepSubscription(topic, id, 10_000));
    TestRecord<String, byte[]> dead = h.dlq.readRecord();
    assertEquals("DECODE", SubscriptionTopologyTest.header(dead, RecordHeaders.DLQ_CODE));
    assertTrue(SubscriptionTopologyTest.header(dead, RecordHeaders.DLQ_REASON).contains("nest deeper than 64"));
    stillRoutes();
  }

  @Test
  void aConditionLiteralOneLevelTooDeepIsDeadLettered() {
    String topic = Topics.subscriptions(h.ns);
    String id = UUID.randomUUID().toString();
    h.pipe(topic, id, deepSubscription(topic, id, Limits.MAX_VALUE_DEPTH));
    TestRecord<String, byte[]> dead = h.dlq.readRecord();
    assertEquals("DECODE", SubscriptionTopologyTest.header(dead, RecordHeaders.DLQ_CODE));
    assertTrue(SubscriptionTopologyTest.header(dead, RecordHeaders.DLQ_REASON).contains("deeper than 64"));
    String ok = UUID.randomUUID().toString();
    h.pipe(topic, ok, deepSubscription(topic, ok, Limits.MAX_VALUE_DEPTH - 1));
    assertTrue(h.dlq.isEmpty(), "a literal of exactly 64 levels is accepted");
  }

  @Test
  void eventArgsDeeperThanTheLimitAreDeadLettered() {
    h.subscribe("sub", "src", "ch", SubscriptionMode.FOREVER, Map.of());
    Object v = 1L;
    for (int i = 0; i < Limits.MAX_VALUE_DEPTH; i++) {
      v = List.of(new Value(v));
    }
    h.event("src", "i1", "ch", Map.of("deep", new Value(v)), Map.of());
    assertEquals(0, h.mailboxEnvelopes().size());
    assertEquals("DECODE", SubscriptionTopologyTest.header(h.dlq.readRecord(), RecordHeaders.DLQ_CODE));
    stillRoutes();
  }

  @Test
  void anOutputOverTheTopicsLimitIsDeadLetteredInsteadOfBreakingTheTransaction() {
    h.subscribe("sub", "src", "ch", SubscriptionMode.FOREVER, Map.of());
    ByteBuffer big = ByteBuffer.allocate(TopicSettings.MAX_MESSAGE_BYTES - 600);
    h.event("src", "i1", "ch", Map.of(), Map.of("big", big));
    for (TestRecord<String, byte[]> r : h.mailbox.readRecordsToList()) {
      assertTrue(r.value().length <= TopicSettings.MAX_MESSAGE_BYTES - 1024,
          "the router wrote a " + r.value().length + "-byte record to the mailbox");
    }
    TestRecord<String, byte[]> dead = h.dlq.readRecord();
    assertEquals("REJECTED", SubscriptionTopologyTest.header(dead, RecordHeaders.DLQ_CODE));
    assertTrue(SubscriptionTopologyTest.header(dead, RecordHeaders.DLQ_REASON).contains("over the"));
    stillRoutes();
  }

  // --- helpers

  private Envelope onlyRejection(String id) {
    List<TestRecord<String, byte[]>> out = h.mailbox.readRecordsToList();
    assertEquals(1, out.size());
    assertTrue(out.get(0).value().length < SMALL, "a rejection of " + out.get(0).value().length + " bytes");
    Envelope reply = h.envelopes.decode(Topics.mailbox(h.ns), out.get(0).value());
    assertEquals(Kind.REPLY, reply.getKind());
    assertEquals(id, reply.getInReplyTo());
    return reply;
  }

  private List<Envelope> triggers() {
    return h.mailboxEnvelopes().stream().filter(e -> e.getKind() == Kind.TRIGGER).toList();
  }

  /** A fresh registration on a fresh node still triggers. */
  private void stillTriggers() {
    h.register("other", "h2", "v:u:2");
    h.send("v_1", "other", "u");
    h.send("v_2", "other", "u");
    assertEquals(1, triggers().size());
  }

  /** A fresh subscription still gets its events. */
  private void stillRoutes() {
    h.subscribe("late", "src2", "ch2", SubscriptionMode.FOREVER, Map.of());
    Envelope e = h.event("src2", "i1", "ch2", Map.of(), Map.of());
    List<Envelope> got = h.mailboxEnvelopes();
    assertEquals(1, got.size());
    assertEquals(e.getMessageId(), got.get(0).getMessageId());
  }

  /**
   * The wire bytes of a subscription whose one condition literal is a list nested {@code lists}
   * deep around a null (so {@code lists + 1} levels), written by hand: Avro's own writer
   * overflows the stack long before 10,000.
   */
  private byte[] deepSubscription(String topic, String id, int lists) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(h.subscriptionWire.wireHeader(topic));
    string(out, id);
    string(out, "sub-deep");
    string(out, "src");
    string(out, "ch");
    out.write(0); // instances: empty array
    out.write(0); // relationship: null branch
    out.write(0); // mode: FOREVER
    out.write(2); // conditions: one entry
    string(out, "a");
    for (int i = 0; i < lists; i++) {
      out.write(12); // Value.v: the array branch (6)
      out.write(2); // one item
    }
    out.write(0); // the innermost Value: null
    for (int i = 0; i < lists; i++) {
      out.write(0); // end of each array
    }
    out.write(0); // end of the map
    out.write(0); // createdAt 0
    return out.toByteArray();
  }

  private static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    long z = (long) b.length << 1;
    while ((z & ~0x7fL) != 0) {
      out.write((int) ((z & 0x7f) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    out.writeBytes(b);
  }
}
