package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Value;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events/s through the exactly-once router with 1,000 subscriptions on one channel (each event
 * matches one), beside an exactly-once pass-through Streams app on the same broker, same records.
 * Measured from the first send to the last record read (read_committed).
 */
@ExtendWith(FedStreamExtension.class)
class ThroughputIT {

  static final int SUBSCRIPTIONS = 1_000;
  static final int EVENTS = Integer.getInteger("fedstream.throughput.events", 20_000);

  @Test
  void routerBesidePassThrough(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    try (ItClients c = new ItClients(platform, ns)) {
      c.createEventTopic("trainer");
      String topic = Topics.events(ns, "trainer");
      byte[][] events = new byte[EVENTS][];
      for (int i = 0; i < EVENTS; i++) {
        Envelope e = ItClients.envelope(Kind.EVENT, "t/trainer", null, "update",
            Map.of("rank", new Value((long) (i % SUBSCRIPTIONS)), "loss", new Value(0.5)));
        events[i] = c.envelopes.encode(topic, e);
      }
      double routed;
      try (Router router = Router.start(RouterConfig.of(c.routerSettings(dir.resolve("r"), "r")))) {
        assertTrue(router.awaitRunning(Duration.ofSeconds(90)));
        for (int i = 0; i < SUBSCRIPTIONS; i++) {
          c.subscribe(RouterContract.subscription("node-" + i, "trainer", "update")
              .setConditions(Map.of("rank__eq", new Value((long) i), "loss__lt", new Value(10.0))).build());
        }
        // warm up until the last subscription routes
        KafkaConsumer<String, byte[]> reader = c.reader(Topics.mailbox(ns));
        java.util.List<Envelope> got = new java.util.ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (got.stream().noneMatch(e -> e.getDestination().equals("node-" + (SUBSCRIPTIONS - 1)))
            && System.nanoTime() < end) {
          c.emit("trainer", "t/trainer", "update", Map.of("rank", new Value((long) SUBSCRIPTIONS - 1),
              "loss", new Value(0.5)));
          c.readEnvelopes(reader, Topics.mailbox(ns), Duration.ofMillis(500), l -> false, got);
        }
        c.readEnvelopes(reader, Topics.mailbox(ns), Duration.ofSeconds(2), l -> false, got);
        routed = measure(c, topic, events, reader);
      }
      // pass-through: same records, exactly-once, no processing
      String out = ns + ".pass-through";
      platform.admin().createTopics(List.of(new NewTopic(out, Optional.of(16), Optional.empty())
          .configs(TopicSettings.MAILBOX.configs()))).all().get();
      StreamsBuilder b = new StreamsBuilder();
      b.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
          .to(out, Produced.with(Serdes.String(), Serdes.ByteArray()));
      Properties p = new Properties();
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, ns + "-pass-through");
      p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
      p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("p").toString());
      p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
      p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "latest");
      double passThrough;
      try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
        streams.start();
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < end) {
          Thread.onSpinWait();
        }
        KafkaConsumer<String, byte[]> reader = c.reader(out);
        java.util.List<Envelope> warm = new java.util.ArrayList<>();
        end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (warm.isEmpty() && System.nanoTime() < end) {
          c.emit("trainer", "t/trainer", "update", Map.of());
          c.readEnvelopes(reader, out, Duration.ofMillis(500), l -> false, warm);
        }
        c.readEnvelopes(reader, out, Duration.ofSeconds(2), l -> false, warm);
        passThrough = measure(c, topic, events, reader);
      }
      System.out.printf("real broker, exactly_once_v2, %d events, %d subscriptions on one channel: router"
          + " %.0f events/s, pass-through %.0f events/s (router = %.0f%% of pass-through)%n",
          EVENTS, SUBSCRIPTIONS, routed, passThrough, 100 * routed / passThrough);
    }
  }

  /** Sends every event, reads as many records back, returns events/s. */
  static double measure(ItClients c, String topic, byte[][] events, KafkaConsumer<String, byte[]> reader)
      throws Exception {
    long start = System.nanoTime();
    for (byte[] e : events) {
      c.producer.send(new ProducerRecord<>(topic, "t/trainer", e));
    }
    c.producer.flush();
    int read = 0;
    long end = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    while (read < events.length && System.nanoTime() < end) {
      read += reader.poll(Duration.ofMillis(200)).count();
    }
    long ns = System.nanoTime() - start;
    assertEquals(events.length, read, "every event comes out once");
    return events.length / (ns / 1e9);
  }
}
