package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** emit, subscribe and register against a real router (in-process Kafka Streams) on the real broker. */
@ExtendWith(FedStreamExtension.class)
class RouterCallsIT {

  private static final Duration LONG = Duration.ofSeconds(60);

  static Router startRouter(Platform platform, String ns, Path dir) throws InterruptedException {
    Router router = Router.start(RouterConfig.of(
        RouterConfig.singleBroker(platform.bootstrapServers(), platform.registryUrl(), ns, dir)));
    assertTrue(router.awaitRunning(Duration.ofSeconds(90)), "router RUNNING");
    return router;
  }

  /** Waits (bounded) for a condition, doing {@code poke} between checks (e.g. emitting a probe). */
  static void await(String what, Duration max, Runnable poke, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
      poke.run();
      synchronized (done) {
        done.wait(300); // bounded pause between probes; the condition is re-checked
      }
    }
  }

  @Test
  void subscriptionsFollowTheIssueExample(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    try (Router router = startRouter(platform, ns, dir);
        Node emitter = Nodes.start(platform, ns, "emitter");
        Node sub = Nodes.start(platform, ns, "sub")) {
      List<Message> plain = new CopyOnWriteArrayList<>();
      Disposable receiving = sub.receive().subscribe(plain::add);
      EventSubscription channel = EventSubscription.to("event_source", "my_event");

      List<Message> gt = new CopyOnWriteArrayList<>();
      List<Message> gtC = new CopyOnWriteArrayList<>();
      List<Message> d = new CopyOnWriteArrayList<>();
      List<Message> once = new CopyOnWriteArrayList<>();
      List<Message> probe = new CopyOnWriteArrayList<>();
      AtomicBoolean onceCompleted = new AtomicBoolean();
      Disposable gtSub = sub.subscribe(channel.where("a__gt", 1)).subscribe(gt::add);
      Disposable gtCSub = sub.subscribe(channel.conditions(Map.of("a__gt", 1, "c", "16"))).subscribe(gtC::add);
      Disposable dSub = sub.subscribe(channel.where("d", 32)).subscribe(d::add);
      sub.subscribe(channel.where("a__ge", 1).once()).subscribe(once::add, e -> { }, () -> onceCompleted.set(true));
      // written last: once it delivers, the router has the subscriptions above too
      Disposable probeSub = sub.subscribe(channel.where("probe", true)).subscribe(probe::add);
      await("the probe subscription to be live", LONG,
          () -> emitter.emit("event_source", "my_event", Message.builder().tag("x").arg("probe", true).build())
              .block(Nodes.WAIT), () -> !probe.isEmpty());
      probeSub.dispose();

      List<String> ids = new ArrayList<>();
      for (Map<String, Object> args : List.<Map<String, Object>>of(Map.of("a", 1, "b", 2, "c", "4"),
          Map.of("a", 2, "b", 4, "c", "8"), Map.of("a", 4, "b", 8, "c", "16"))) {
        Message e = Message.builder().tag("ignored").args(args).payload(Payload.ofBytes("d", new byte[] {32})).build();
        emitter.emit("event_source", "my_event", e).block(Nodes.WAIT);
        ids.add(e.id());
      }
      await("the routed events", LONG, () -> { }, () -> gt.size() >= 2 && gtC.size() >= 1 && onceCompleted.get());
      // bounded grace for anything that should not come
      pause(Duration.ofSeconds(3), () -> gt.size() > 2 || gtC.size() > 1 || !d.isEmpty() || once.size() > 1);
      assertEquals(List.of(ids.get(1), ids.get(2)), gt.stream().map(Message::id).toList());
      assertEquals(List.of(ids.get(2)), gtC.stream().map(Message::id).toList());
      assertEquals(List.of(), d, "a condition on a payload name never matches args");
      assertEquals(List.of(ids.get(0)), once.stream().map(Message::id).toList());
      Message routed = gt.get(1);
      assertEquals(Message.Kind.EVENT, routed.kind());
      assertEquals("my-event", routed.tag(), "the channel is the tag, normalised");
      assertEquals("emitter", routed.attributes().get("fedstream.instance"), "the instance defaults to the node id");
      assertEquals("event-source", routed.attributes().get("fedstream.role"));
      assertEquals(4L, routed.arg("a"));
      assertEquals((byte) 32, routed.payload("d").orElseThrow().bytes()[0], "payloads travel with the event");

      // unsubscribe: the router stops routing to the cancelled id
      String gtId = gt.get(0).attributes().get("fedstream.subscriptions");
      assertFalse(gtId.contains(","), "m2 matched only a__gt: " + gtId);
      gtSub.dispose();
      awaitTombstone(platform, ns, gtId);
      Message m4 = Message.builder().tag("x").arg("a", 5).arg("c", "16").build();
      emitter.emit("event_source", "alice", "my_event", m4).block(Nodes.WAIT);
      await("m4 for a__gt,c", LONG, () -> { }, () -> gtC.size() >= 2);
      assertEquals(m4.id(), gtC.get(1).id());
      assertEquals("alice", gtC.get(1).attributes().get("fedstream.instance"), "the caller set the instance");
      assertEquals(2, gt.size());
      for (Envelope e : mailbox(platform, ns)) {
        if (e.getMessageId().equals(m4.id())) {
          assertFalse(e.getAttributes().getOrDefault("fedstream.subscriptions", "").contains(gtId),
              "routed to an unsubscribed id: " + e);
        }
      }

      // (c) a condition the router cannot use errors the Flux with its code
      StepVerifier.create(sub.subscribe(channel.where("a__gt", true)))
          .expectErrorSatisfies(e -> {
            assertInstanceOf(NodeException.InvalidConditionException.class, e);
            assertEquals(ErrorCode.INVALID_CONDITION, ((NodeException) e).errorCode());
            assertTrue(((NodeException) e).reason().contains("a__gt"), e.getMessage());
          })
          .verify(LONG);

      // receive() sees plain messages, but no routed event and no router rejection
      emitter.send(Message.builder().tag("plain").to("sub").build()).block(Nodes.WAIT);
      await("the plain message", LONG, () -> { }, () -> !plain.isEmpty());
      assertEquals(List.of("plain"), plain.stream().map(Message::tag).toList());
      gtCSub.dispose();
      dSub.dispose();
      receiving.dispose();
      assertTrue(router.activeTasks() > 0, "one in-process router did the routing");
    }
  }

  /** A bounded grace period for what must not arrive; ends early when {@code broken} holds. */
  static void pause(Duration max, BooleanSupplier broken) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!broken.getAsBoolean() && System.nanoTime() < end) {
      synchronized (broken) {
        broken.wait(100);
      }
    }
  }

  @Test
  void registerGetsOneTriggerWithTheGatheredMessages(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    try (Router router = startRouter(platform, ns, dir);
        Node agg = Nodes.start(platform, ns, "agg");
        Node w1 = Nodes.start(platform, ns, "w1");
        Node w2 = Nodes.start(platform, ns, "w2");
        Node m1 = Nodes.start(platform, ns, "m1");
        Node prober = Nodes.start(platform, ns, "probe-1")) {
      List<Message> plain = new CopyOnWriteArrayList<>();
      Disposable receiving = agg.receive().subscribe(plain::add);
      List<Trigger> triggers = new CopyOnWriteArrayList<>();
      List<Trigger> probes = new CopyOnWriteArrayList<>();
      Disposable reg = agg.register("w:update:2 AND m:update:1", "aggregate").subscribe(triggers::add);
      Disposable probeReg = agg.register("probe:ping:1", "probe").subscribe(probes::add);
      await("the probe registration to be live", LONG,
          () -> prober.send(Message.builder().tag("ping").to("agg").build()).block(Nodes.WAIT), () -> !probes.isEmpty());
      probeReg.dispose();

      Message u1 = Message.builder().tag("update").to("agg").arg("round", 1).build();
      Message u2 = Message.builder().tag("update").to("agg").arg("round", 1).build();
      Message u3 = Message.builder().tag("update").to("agg").arg("round", 1)
          .payload(Payload.ofBytes("model", new byte[] {7, 7})).build();
      w1.send(u1).block(Nodes.WAIT);
      w2.send(u2).block(Nodes.WAIT);
      assertTrue(triggers.isEmpty(), "m:update:1 is still missing");
      m1.send(u3).block(Nodes.WAIT);
      await("the trigger", LONG, () -> { }, () -> !triggers.isEmpty());
      Trigger t = triggers.get(0);
      assertEquals("aggregate", t.handlerId());
      assertEquals(0L, t.sequence());
      assertEquals("w:update:2 AND m:update:1", t.expression());
      assertEquals(List.of(), t.references());
      assertEquals(List.of(u1.id(), u2.id(), u3.id()), t.messages().stream().map(Message::id).toList());
      assertEquals(List.of("w1", "w2", "m1"), t.messages().stream().map(Message::source).toList());
      assertEquals(1L, t.messages().get(0).arg("round"));
      assertEquals(7, t.messages().get(2).payload("model").orElseThrow().bytes()[1]);
      assertTrue(t.items().get(0).position().startsWith(Topics.mailbox(ns) + ":"), t.items().get(0).position());

      // the gathered messages still reach receive(); triggers never do
      await("the updates in receive()", LONG, () -> { },
          () -> plain.stream().filter(m -> m.tag().equals("update")).count() >= 3);
      assertTrue(plain.stream().noneMatch(m -> m.kind() == Message.Kind.TRIGGER), plain.toString());

      // (c) an expression the router cannot parse errors the Flux with its code
      StepVerifier.create(agg.register("w:update AND", "broken"))
          .expectErrorSatisfies(e -> {
            assertInstanceOf(NodeException.InvalidConditionException.class, e);
            assertEquals(ErrorCode.INVALID_CONDITION, ((NodeException) e).errorCode());
          })
          .verify(LONG);
      assertEquals(1, triggers.size());
      assertTrue(router.activeTasks() > 0, "one in-process router did the counting");
      reg.dispose();
      receiving.dispose();
    }
  }

  private static KafkaConsumer<String, byte[]> reader(Platform platform, String ns, String topic) {
    Map<String, Object> p = platform.clientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, ns + "-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }

  private static void awaitTombstone(Platform platform, String ns, String id) {
    try (KafkaConsumer<String, byte[]> c = reader(platform, ns, Topics.subscriptions(ns))) {
      long end = System.nanoTime() + LONG.toNanos();
      while (System.nanoTime() < end) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.key().equals(id) && r.value() == null) {
            return;
          }
        }
      }
    }
    throw new AssertionError("no tombstone for subscription " + id);
  }

  /** Everything committed on the mailbox so far, decoded. */
  private static List<Envelope> mailbox(Platform platform, String ns) {
    String topic = Topics.mailbox(ns);
    AvroWire<Envelope> wire = AvroWire.of(Envelope.class, SchemaRegistryClient.create(platform.registryUrl()));
    List<Envelope> out = new ArrayList<>();
    Map<String, Object> p = platform.clientProperties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = c.endOffsets(tps);
      long end = System.nanoTime() + LONG.toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        assertTrue(System.nanoTime() < end, "mailbox not read to its end");
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            out.add(wire.decode(topic, r.value()));
          }
        }
      }
    }
    return out;
  }
}
