package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@ExtendWith(FedStreamExtension.class)
class SendReceiveIT {

  @Test
  void sendIsReceivedInOrderWithArgsAndPayloads(Platform platform) {
    String ns = platform.newNamespace();
    try (Node a = Nodes.start(platform, ns, "a"); Node b = Nodes.start(platform, ns, "b")) {
      for (int i = 0; i < 20; i++) {
        a.send(Message.builder().tag("n").to("b").arg("i", i).arg("nested", Map.of("l", List.of(1, "x", true)))
            .payload(Payload.ofBytes("blob", new byte[] {1, 2, (byte) i})).build()).block(Nodes.WAIT);
      }
      StepVerifier.create(b.receive().take(20).map(m -> ((Long) m.arg("i")).intValue()).collectList())
          .assertNext(l -> assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), l))
          .expectComplete()
          .verify(Nodes.WAIT);
      Message m = a.request(Message.builder().tag("echo").to("b").build(), Duration.ofMillis(1)).onErrorResume(e -> Mono.empty()).block();
      assertEquals(null, m);
    }
  }

  @Test
  void acknowledgementsReachCallersOnDeliveryThreadsNeverOnTheProducers(Platform platform) {
    String ns = platform.newNamespace();
    try (Node a = Nodes.start(platform, ns, "a"); Node b = Nodes.start(platform, ns, "b")) {
      String afterSend = a.send(Message.builder().tag("t").to("b").build())
          .then(Mono.fromCallable(() -> Thread.currentThread().getName())).block(Nodes.WAIT);
      Tracked tracked = a.isend(Message.builder().tag("t").to("b").build());
      String afterAck = tracked.acked().then(Mono.fromCallable(() -> Thread.currentThread().getName()))
          .block(Nodes.WAIT);
      // asked once more after the acknowledgement is cached: still not on the producer's thread
      String afterCachedAck = tracked.acked().then(Mono.fromCallable(() -> Thread.currentThread().getName()))
          .block(Nodes.WAIT);
      for (String thread : List.of(afterSend, afterAck, afterCachedAck)) {
        assertTrue(thread.contains("-deliver-"), "acknowledgement signalled on " + thread);
      }
      StepVerifier.create(b.receive().take(2)).expectNextCount(2).expectComplete().verify(Nodes.WAIT);
    }
  }

  @Test
  void eventsGoToTheirChannelsPartitionKeyedByTheirInstance(Platform platform) {
    String ns = platform.newNamespace();
    try (Node a = Nodes.start(platform, ns, "a")) {
      for (String channel : List.of("loss", "accuracy", "round-done", "c1", "c2", "c3")) {
        a.emit("trainer", "trainer-7", channel, Message.builder().tag("metric").build()).block(Nodes.WAIT);
      }
      String topic = io.fedstream.schemas.Topics.events(ns, "trainer");
      java.util.Map<String, Object> props = Map.of("bootstrap.servers", platform.bootstrapServers(),
          "key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName(),
          "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName(),
          "auto.offset.reset", "earliest");
      try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(props)) {
        List<org.apache.kafka.common.TopicPartition> parts = consumer.partitionsFor(topic).stream()
            .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> got = new java.util.ArrayList<>();
        long end = System.nanoTime() + Nodes.WAIT.toNanos();
        while (got.size() < 6 && System.nanoTime() < end) {
          consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        assertEquals(6, got.size());
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (var r : got) {
          assertEquals("trainer-7", r.key(), "keyed by the role instance");
          used.add(r.partition());
        }
        // the partition is the channel's, not the key's: one key, several partitions
        java.util.Set<Integer> expected = new java.util.HashSet<>();
        for (String channel : List.of("loss", "accuracy", "round-done", "c1", "c2", "c3")) {
          expected.add(io.fedstream.schemas.RoutedRecords.channelPartition("trainer", channel, parts.size()));
        }
        assertEquals(expected, used);
        assertTrue(used.size() > 1, "six channels of one instance spread over partitions: " + used);
      }
    }
  }

  @Test
  void requestGetsReplyFromServeHandlerAndCodedErrors(Platform platform) {
    String ns = platform.newNamespace();
    try (Node server = Nodes.start(platform, ns, "server"); Node client = Nodes.start(platform, ns, "client")) {
      server.serve("add", req -> Mono.just(Message.builder().tag("sum")
          .arg("sum", (Long) req.arg("x") + (Long) req.arg("y")).build()));
      server.serve("bad", req -> Mono.error(new NodeException.CallerException("x must be positive")));
      server.serve("boom", req -> Mono.error(new IllegalStateException("kaput")));
      Message reply = client.request(Message.builder().tag("add").to("server").arg("x", 2).arg("y", 3).build(),
          Nodes.WAIT).block(Nodes.WAIT);
      assertEquals(5L, reply.arg("sum"));
      assertEquals("server", reply.source());
      StepVerifier.create(client.request(Message.builder().tag("bad").to("server").build(), Nodes.WAIT))
          .expectErrorSatisfies(e -> {
            assertInstanceOf(NodeException.CallerException.class, e);
            assertTrue(e.getMessage().contains("x must be positive"), e.getMessage());
          })
          .verify(Nodes.WAIT);
      StepVerifier.create(client.request(Message.builder().tag("boom").to("server").build(), Nodes.WAIT))
          .expectErrorSatisfies(e -> assertInstanceOf(NodeException.HandlerException.class, e))
          .verify(Nodes.WAIT);
      StepVerifier.create(client.request(Message.builder().tag("add").to("nobody").build(), Duration.ofSeconds(1)))
          .expectErrorSatisfies(e -> assertInstanceOf(NodeException.NotFoundException.class, e))
          .verify(Nodes.WAIT);
    }
  }

  @Test
  void topicsAreCreatedOnDemandWithTheContractSettings(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    try (Node n = Nodes.start(platform, ns, "n", "g1")) {
      n.broadcast("g2", Message.builder().tag("x").build()).block(Nodes.WAIT);
      for (String t : List.of(io.fedstream.schemas.Topics.mailbox(ns), io.fedstream.schemas.Topics.presence(ns),
          io.fedstream.schemas.Topics.deadLetter(ns), io.fedstream.schemas.Topics.group(ns, "g1"),
          io.fedstream.schemas.Topics.group(ns, "g2"))) {
        io.fedstream.schemas.TopicSettings want = io.fedstream.schemas.TopicSettings.forTopic(t);
        var d = platform.admin().describeTopics(List.of(t)).allTopicNames().get().get(t);
        assertEquals(want.partitions(), d.partitions().size(), t);
        var res = new org.apache.kafka.common.config.ConfigResource(
            org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t);
        var cfg = platform.admin().describeConfigs(List.of(res)).all().get().get(res);
        for (Map.Entry<String, String> e : want.configs().entrySet()) {
          assertEquals(e.getValue(), cfg.get(e.getKey()).value(), t + " " + e.getKey());
        }
      }
    }
  }
}
