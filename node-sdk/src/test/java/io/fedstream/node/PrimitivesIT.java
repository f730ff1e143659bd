package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.schemas.Topics;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@ExtendWith(FedStreamExtension.class)
class PrimitivesIT {

  @Test
  void isendIsTrackableAndReceiveByIdKeepsOtherSessionsForLater(Platform platform) {
    String ns = platform.newNamespace();
    try (Node a = Nodes.start(platform, ns, "a"); Node b = Nodes.start(platform, ns, "b")) {
      Tracked t1 = a.isend(Message.builder().tag("x").to("b").sessionId("s1").arg("n", 1).build());
      Tracked t2 = a.isend(Message.builder().tag("x").to("b").sessionId("s2").arg("n", 2).build());
      Tracked t3 = a.isend(Message.builder().tag("x").to("b").sessionId("s1").arg("n", 3).build());
      assertEquals("s1", t1.sessionId());
      Mono.when(t1.acked(), t2.acked(), t3.acked()).block(Nodes.WAIT);
      // s2 arrived between the s1 messages; it must wait for a later receiveById("s2")
      StepVerifier.create(b.receiveById("s1").take(2).map(m -> m.arg("n")))
          .expectNext(1L, 3L).expectComplete().verify(Nodes.WAIT);
      StepVerifier.create(b.receiveById("s2").next().map(m -> m.arg("n")))
          .expectNext(2L).expectComplete().verify(Nodes.WAIT);

      // a task sent with isend: its reply arrives through receiveById on the session
      b.serve("task", req -> Mono.just(Message.builder().tag("done").arg("v", 42).build()));
      Tracked task = a.isend(Message.builder().tag("task").to("b").sessionType(Message.SessionType.TASK).build());
      StepVerifier.create(a.receiveById(task.sessionId()).next())
          .assertNext(r -> {
            assertEquals(Message.Kind.REPLY, r.kind());
            assertEquals(task.messageId(), r.inReplyTo().get());
            assertEquals(42L, r.arg("v"));
          })
          .expectComplete().verify(Nodes.WAIT);
    }
  }

  @Test
  void lateReplyIsDroppedNotDelivered(Platform platform) {
    String ns = platform.newNamespace();
    try (Node server = Nodes.start(platform, ns, "server"); Node client = Nodes.start(platform, ns, "client")) {
      server.serve("slow", req -> Mono.delay(Duration.ofMillis(1500)).thenReturn(Message.builder().tag("late").build()));
      StepVerifier.create(client.request(Message.builder().tag("slow").to("server").build(), Duration.ofMillis(500)))
          .expectError(NodeException.DeadlineExceededException.class)
          .verify(Nodes.WAIT);
      double late = 0;
      long end = System.nanoTime() + Nodes.WAIT.toNanos();
      while (late < 1 && System.nanoTime() < end) {
        late = lateReplies(client);
        Mono.delay(Duration.ofMillis(50)).block();
      }
      assertEquals(1.0, late, "the late reply is counted as dropped");
      // and it never reaches receive()
      StepVerifier.create(client.receive().take(Duration.ofMillis(500))).expectComplete().verify(Nodes.WAIT);
    }
  }

  private static double lateReplies(Node n) {
    return ((io.fedstream.node.internal.NodeHostImpl) io.fedstream.node.internal.TestAccess.host(n))
        .meterRegistry().get("fedstream.replies.late").counter().count();
  }

  @Test
  void scatterGathersUnderPolicies(Platform platform) {
    String ns = platform.newNamespace();
    try (NodeHost workers = NodeHost.create(Nodes.config(platform, ns, "").hostId("workers").build());
        Node master = Nodes.start(platform, ns, "master")) {
      List<Node> ws = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ws.add(workers.addNode("w" + i, List.of("workers")));
      }
      workers.start().block(Nodes.WAIT);
      AtomicInteger flaky = new AtomicInteger();
      for (Node w : ws) {
        w.serve("sum", req -> {
          if (w.id().equals("w3") && flaky.getAndIncrement() < 1) {
            return Mono.error(new IllegalStateException("transient"));
          }
          if (w.id().equals("w2") && req.arg("slowW2") != null) {
            return Mono.never();
          }
          long s = 0;
          for (Object o : (List<?>) req.arg("xs")) {
            s += (Long) o;
          }
          return Mono.just(Message.builder().tag("sum").arg("sum", s).build());
        });
      }
      List<Message> reqs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        reqs.add(Message.builder().tag("sum").to("w" + i).arg("xs", List.of(i, i, i)).build());
      }
      // retry(1) recovers w3's transient failure
      Gathered g = master.scatter(reqs, GatherPolicy.builder().retry(1).deadline(Duration.ofSeconds(20)).build())
          .block(Nodes.WAIT);
      assertTrue(g.complete(), g.toString());
      assertEquals(4, g.replies().size());
      assertEquals(Set.of(0L, 3L, 6L, 9L), Set.copyOf(g.replies().stream().map(m -> (Long) m.arg("sum")).toList()));

      // w2 never answers: at the deadline the round is released with partial results
      List<Message> slow = new ArrayList<>();
      for (Message r : reqs) {
        slow.add(r.toBuilder().id(null).arg("slowW2", true).build());
      }
      Gathered partial = master.scatter(slow, GatherPolicy.builder().deadline(Duration.ofSeconds(2)).build())
          .block(Nodes.WAIT);
      assertFalse(partial.complete());
      assertEquals(3, partial.replies().size());
      assertEquals(Set.of("w2"), partial.missing());

      // at least 2 releases early (new message ids: an id is delivered once)
      List<Message> again = slow.stream().map(r -> r.toBuilder().id(null).build()).toList();
      Gathered two = master.scatter(again, GatherPolicy.builder().atLeast(2).deadline(Duration.ofSeconds(20)).build())
          .block(Duration.ofSeconds(10));
      assertTrue(two.complete());
      assertTrue(two.replies().size() >= 2);
    }
  }

  @Test
  void broadcastWritesOneRecordReadByEveryMemberAndGathers(Platform platform) {
    String ns = platform.newNamespace();
    try (Node server = Nodes.start(platform, ns, "server");
        Node c1 = Nodes.start(platform, ns, "c1", "clients");
        Node c2 = Nodes.start(platform, ns, "c2", "clients");
        Node c3 = Nodes.start(platform, ns, "c3", "clients")) {
      server.awaitMembers("clients", 3, Nodes.WAIT).block(Nodes.WAIT);
      server.broadcast("clients", Message.builder().tag("hello").arg("round", 1).build()).block(Nodes.WAIT);
      for (Node c : List.of(c1, c2, c3)) {
        StepVerifier.create(c.receive().next())
            .assertNext(m -> {
              assertEquals("hello", m.tag());
              assertEquals("server", m.source());
              assertTrue(m.destination().isEmpty());
            })
            .expectComplete().verify(Nodes.WAIT);
      }
      assertEquals(1, recordsOn(platform, Topics.group(ns, "clients")), "one record, not one copy per member");

      for (Node c : List.of(c1, c2, c3)) {
        c.serve("train", req -> c.id().equals("c3")
            ? Mono.error(new NodeException.HandlerException("out of memory"))
            : Mono.just(Message.builder().tag("update").arg("from", c.id()).build()));
      }
      Gathered kept = server.broadcast("clients", Message.builder().tag("train").build(),
          GatherPolicy.builder().keepFailures().deadline(Duration.ofSeconds(20)).build()).block(Nodes.WAIT);
      assertTrue(kept.complete(), kept.toString());
      assertEquals(3, kept.replies().size());
      assertEquals(1, kept.replies().stream().filter(m -> m.error().isPresent()).count());

      Gathered frac = server.broadcast("clients", Message.builder().tag("train").build(),
          GatherPolicy.builder().fraction(0.6).deadline(Duration.ofSeconds(20)).build()).block(Nodes.WAIT);
      assertTrue(frac.complete());
      assertEquals(2, frac.replies().size(), "60% of 3 is 2");

      StepVerifier.create(server.broadcast("clients", Message.builder().tag("train").build(),
              GatherPolicy.builder().failFast().deadline(Duration.ofSeconds(20)).build()))
          .expectErrorSatisfies(e -> assertInstanceOf(NodeException.HandlerException.class, e))
          .verify(Nodes.WAIT);
    }
  }

  static long recordsOn(Platform platform, String topic) {
    Map<String, Object> p = platform.clientProperties();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      Map<TopicPartition, Long> begin = c.beginningOffsets(tps);
      long n = 0;
      for (TopicPartition tp : tps) {
        n += end.get(tp) - begin.get(tp);
      }
      return n;
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(Platform platform, String topic, int expected) {
    Map<String, Object> p = platform.clientProperties();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      long end = System.nanoTime() + Nodes.WAIT.toNanos();
      while (out.size() < expected && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
