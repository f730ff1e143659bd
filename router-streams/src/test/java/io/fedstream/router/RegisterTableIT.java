package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Liveness;
import io.fedstream.avro.LivenessState;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FedStreamExtension.class)
class RegisterTableIT {

  @Test
  void registerTableWithPresenceEndToEnd(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    try (ItClients c = new ItClients(platform, ns);
         Router router = Router.start(RouterConfig.of(c.routerSettings(dir, "r1")))) {
      assertTrue(router.awaitRunning(Duration.ofSeconds(90)), "router RUNNING");
      SchemaRegistryClient registry = SchemaRegistryClient.create(platform.registryUrl());
      AvroWire<Heartbeat> heartbeats = AvroWire.of(Heartbeat.class, registry);
      AvroWire<Liveness> liveness = AvroWire.of(Liveness.class, registry);
      for (String w : List.of("worker_1", "worker_2")) {
        Heartbeat h = Heartbeat.newBuilder().setNodeId(w).setStartedAt(Instant.now())
            .setSentAt(Instant.now()).setIntervalMs(10_000).setTimeoutMs(30_000).build();
        c.send(Topics.presence(ns), w, heartbeats.encode(Topics.presence(ns), h));
      }
      // liveness is derived from the heartbeats
      KafkaConsumer<String, byte[]> live = c.reader(Topics.liveness(ns));
      List<Liveness> alive = new ArrayList<>();
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (alive.size() < 2 && System.nanoTime() < end) {
        for (ConsumerRecord<String, byte[]> r : live.poll(Duration.ofMillis(200))) {
          alive.add(liveness.decode(Topics.liveness(ns), r.value()));
        }
      }
      assertEquals(2, alive.size());
      assertTrue(alive.stream().allMatch(l -> l.getState() == LivenessState.ALIVE));

      ConditionalEvent bad = c.register(ConditionalEvent.newBuilder(
          RouterContract.conditionalEvent("master", "h0", "worker:update:1"))
          .setExpression("worker:update:").build());
      ConditionalEvent all = c.register(RouterContract.conditionalEvent("master", "on-all", "worker:update:100%"));
      ConditionalEvent three = c.register(RouterContract.conditionalEvent("master", "on-three", "worker:update:3"));

      String mailbox = Topics.mailbox(ns);
      KafkaConsumer<String, byte[]> reader = c.reader(mailbox);
      List<Envelope> got = new ArrayList<>();
      c.readEnvelopes(reader, mailbox, Duration.ofSeconds(60),
          l -> l.stream().anyMatch(e -> e.getError() != null), got);
      Envelope rejection = got.stream().filter(e -> e.getError() != null).findFirst().orElseThrow();
      assertEquals(ErrorCode.INVALID_CONDITION, rejection.getError().getCode());
      assertEquals(bad.getRegistrationId(), rejection.getInReplyTo());

      // The registrations travel through an internal topic; send until the first trigger shows
      // they are active (each send is a message the router may gather).
      got.clear();
      List<Envelope> sent = new ArrayList<>();
      end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (got.stream().noneMatch(e -> e.getKind() == Kind.TRIGGER) && System.nanoTime() < end) {
        sent.add(c.message("worker_" + (sent.size() % 2 + 1), "master", "update"));
        c.readEnvelopes(reader, mailbox, Duration.ofMillis(500), l -> false, got);
      }
      c.readEnvelopes(reader, mailbox, Duration.ofSeconds(3), l -> false, got);
      List<Envelope> triggers = got.stream().filter(e -> e.getKind() == Kind.TRIGGER).toList();
      assertTrue(triggers.stream().anyMatch(t -> t.getTag().equals("on-all")), triggers.toString());
      // every gathered message was sent by this test, and none is gathered twice per registration
      for (String handler : List.of("on-all", "on-three")) {
        List<String> ids = triggers.stream().filter(t -> t.getTag().equals(handler))
            .flatMap(t -> t.getPayloads().stream())
            .map(p -> c.envelopes.decode(mailbox, RouterContract.gatheredWireBytes(p)).getMessageId())
            .toList();
        assertEquals(ids.size(), ids.stream().distinct().count(), handler + " gathered a message twice");
        assertTrue(sent.stream().map(Envelope::getMessageId).toList().containsAll(ids));
      }
      triggers.stream().filter(t -> t.getTag().equals("on-all"))
          .forEach(t -> assertEquals(2, t.getPayloads().size(), "100% of 2 alive workers"));
      triggers.stream().filter(t -> t.getTag().equals("on-three"))
          .forEach(t -> assertEquals(3, t.getPayloads().size()));
      assertTrue(all.getRegistrationId() != null && three.getRegistrationId() != null);
    }
  }
}
