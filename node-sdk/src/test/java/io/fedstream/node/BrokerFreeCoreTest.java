package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.internal.TestAccess;
import io.fedstream.schemas.RecordHeaders;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.mock.MockKafka;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The core without a broker: nodes on test-kit's {@link MockKafka} (Kafka's MockProducer and
 * MockConsumer over an in-memory log), for what only ITs covered before.
 */
class BrokerFreeCoreTest {

  private final MockKafka kafka = MockKafka.create();

  @AfterEach
  void close() {
    kafka.close();
  }

  private static double counter(Node n, String name) {
    return TestAccess.host(n).meterRegistry().get(name).counter().count();
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "not within 30 s: " + what);
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
    }
  }

  @Test
  void dispatchByKeyAndOncePerMessageId() {
    try (Node a = MockNodes.start(kafka, "a"); Node b = MockNodes.start(kafka, "b"); Node c = MockNodes.start(kafka, "c")) {
      Message m = Message.builder().tag("t").to("b").arg("i", 1).build();
      a.send(m).block(MockNodes.WAIT);
      a.send(m).block(MockNodes.WAIT); // a redelivery: the same id again
      a.send(Message.builder().tag("t").to("c").arg("i", 2).build()).block(MockNodes.WAIT);
      a.send(Message.builder().tag("t").to("b").arg("i", 3).build()).block(MockNodes.WAIT);
      List<Long> got = b.receive().take(2).map(x -> (Long) x.arg("i")).collectList().block(MockNodes.WAIT);
      assertEquals(List.of(1L, 3L), got);
      assertEquals(2L, c.receive().next().block(MockNodes.WAIT).arg("i"));
      assertEquals(1.0, counter(b, "fedstream.records.duplicate"));
      assertEquals(0, TestAccess.queued(b), "nothing else reached b");
    }
  }

  @Test
  void inboxKeepsOrderPausesWhenFullAndHandsBackOnCancel() {
    try (Node a = MockNodes.start(kafka, "a");
        Node b = Node.create(MockNodes.config(kafka, "b").set(NodeConfig.RECEIVE_BUFFER, 8).build())) {
      b.start().block(MockNodes.WAIT);
      for (int i = 0; i < 40; i++) {
        a.send(Message.builder().tag("n").to("b").arg("i", i).build()).block(MockNodes.WAIT);
      }
      await(() -> TestAccess.mailboxPaused(b), "b's partition paused with nobody receiving");
      assertTrue(TestAccess.queued(b) <= 8 + 500, "the buffer is bounded: " + TestAccess.queued(b));
      // a first subscriber takes some, then cancels; what it held goes back, in order
      List<Long> first = b.receive().take(5).map(x -> (Long) x.arg("i")).collectList().block(MockNodes.WAIT);
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), first);
      List<Long> rest = b.receive().take(35).map(x -> (Long) x.arg("i")).collectList().block(MockNodes.WAIT);
      List<Long> expected = new ArrayList<>();
      for (long i = 5; i < 40; i++) {
        expected.add(i);
      }
      assertEquals(expected, rest, "the resubscriber saw everything after, in order, nothing twice");
      await(() -> !TestAccess.mailboxPaused(b), "fetching resumed");
    }
  }

  @Test
  void aLateReplyIsDroppedNotReceived() throws Exception {
    try (Node caller = MockNodes.start(kafka, "caller"); Node slow = MockNodes.start(kafka, "slow")) {
      java.util.concurrent.CountDownLatch replied = new java.util.concurrent.CountDownLatch(1);
      slow.serve("work", req -> Mono.delay(Duration.ofMillis(300))
          .thenReturn(Message.builder().tag("done").build()).doFinally(s -> replied.countDown()));
      Throwable e = caller.request(Message.builder().tag("work").to("slow").build(), Duration.ofMillis(50))
          .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(MockNodes.WAIT);
      assertInstanceOf(NodeException.DeadlineExceededException.class, e);
      assertTrue(replied.await(30, TimeUnit.SECONDS));
      await(() -> counter(caller, "fedstream.replies.late") == 1.0, "the late reply counted as dropped");
      assertEquals(0, TestAccess.queued(caller), "the late reply never reaches receive()");
    }
  }

  @Test
  void handlerErrorsAreMappedToCallerOrHandler() {
    try (Node client = MockNodes.start(kafka, "client"); Node server = MockNodes.start(kafka, "server")) {
      server.serve("bad", req -> Mono.error(new NodeException.CallerException("x must be positive")));
      server.serve("boom", req -> Mono.error(new IllegalStateException("kaput")));
      server.serve("thrown", req -> {
        throw new IllegalArgumentException("thrown, not signalled");
      });
      server.serve("ok", req -> Mono.just(Message.builder().tag("fine").build()));
      Map<String, Class<?>> expected = new LinkedHashMap<>();
      expected.put("bad", NodeException.CallerException.class);
      expected.put("boom", NodeException.HandlerException.class);
      expected.put("thrown", NodeException.HandlerException.class);
      expected.forEach((tag, type) -> {
        Throwable e = client.request(Message.builder().tag(tag).to("server").build())
            .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(MockNodes.WAIT);
        assertInstanceOf(type, e, tag);
      });
      assertEquals("fine", client.request(Message.builder().tag("ok").to("server").build()).block(MockNodes.WAIT).tag());
    }
  }

  @Test
  void eachDecodeFailureIsDeadLetteredAndTheNodeCarriesOn() throws Exception {
    try (Node victim = MockNodes.start(kafka, "victim"); Node friend = MockNodes.start(kafka, "friend")) {
      Map<String, byte[]> bad = new LinkedHashMap<>();
      bad.put("GARBAGE", new byte[] {1, 2});
      bad.put("BAD_MAGIC", new byte[] {9, 0, 0, 0, 1, 2, 3});
      bad.put("UNKNOWN_SCHEMA", new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 4});
      bad.put("INCOMPATIBLE_SCHEMA", incompatible());
      for (Map.Entry<String, byte[]> e : bad.entrySet()) {
        org.apache.kafka.common.header.internals.RecordHeaders h = new org.apache.kafka.common.header.internals.RecordHeaders();
        h.add("case", e.getKey().getBytes(StandardCharsets.UTF_8));
        kafka.append(Topics.mailbox("t"), null, "victim", e.getValue(), h);
      }
      friend.send(Message.builder().tag("still-there").to("victim").build()).block(MockNodes.WAIT);
      assertEquals("still-there", victim.receive().next().block(MockNodes.WAIT).tag());
      List<ConsumerRecord<String, byte[]>> dlq = kafka.records(Topics.deadLetter("t"));
      assertEquals(4, dlq.size());
      List<String> cases = new CopyOnWriteArrayList<>();
      for (ConsumerRecord<String, byte[]> r : dlq) {
        String kase = header(r, "case");
        cases.add(kase);
        assertEquals("DECODE", header(r, RecordHeaders.DLQ_CODE));
        assertTrue(header(r, RecordHeaders.DLQ_REASON).startsWith(kase + ":"), header(r, RecordHeaders.DLQ_REASON));
        assertArrayEquals(bad.get(kase), r.value(), "the original bytes, unchanged");
        assertEquals("victim", r.key());
      }
      assertEquals(List.copyOf(bad.keySet()), cases);
      assertEquals(4.0, counter(victim, "fedstream.records.dead.lettered"));
    }
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private byte[] incompatible() throws Exception {
    Schema other = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Other\",\"namespace\":\"x\","
        + "\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    int id = SchemaRegistryClient.create(kafka.registryUrl()).register("t.other-value", other);
    GenericRecord rec = new GenericData.Record(other);
    rec.put("x", 42);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(other).write(rec, enc);
    enc.flush();
    return out.toByteArray();
  }

  @Test
  void aBadExpressionIsRefusedBeforeAnythingIsWritten() {
    try (Node a = MockNodes.start(kafka, "a")) {
      Throwable e = a.register("w:update AND", "h").then(Mono.<Throwable>empty()).onErrorResume(Mono::just)
          .block(MockNodes.WAIT);
      assertInstanceOf(NodeException.InvalidConditionException.class, e);
      assertTrue(kafka.records(Topics.conditionalEvents("t")).isEmpty(), "no registration record was written");
    }
  }
}
