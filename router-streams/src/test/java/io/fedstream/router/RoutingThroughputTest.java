package io.fedstream.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.avro.Value;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.Registry;
import io.fedstream.testkit.RegistryExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures routing in a TopologyTestDriver: 1,000 subscriptions on one channel (each event
 * matches exactly one, so every event is checked against all 1,000) against a pass-through
 * topology (events pattern to mailbox, bytes unchanged) in the same run. Prints events/s.
 *
 * <p>The router runs with in-memory stores here: the driver commits after every record, and each
 * commit flushes RocksDB and fsyncs a checkpoint, which would measure the disk (about 30
 * records/s on this shared machine) rather than the router. {@code ThroughputIT} measures the
 * exactly-once router with RocksDB on a real broker, where commits are batched every
 * commit.interval.ms.
 */
@ExtendWith(RegistryExtension.class)
class RoutingThroughputTest {

  static final int SUBSCRIPTIONS = 1_000;
  static final int EVENTS = Integer.getInteger("fedstream.throughput.events", 20_000);
  static final int WARMUP = Integer.getInteger("fedstream.throughput.warmup", 2_000);

  @Test
  void routesEventsAgainstAThousandSubscriptions(Registry registry, @TempDir Path dir) {
    double routed;
    double passThrough;
    byte[][] events;
    try (Harness h = new Harness(registry.url(), dir.resolve("router"),
        Map.of(RouterConfig.STATE_STORE, "in-memory"))) {
      for (int i = 0; i < SUBSCRIPTIONS; i++) {
        h.subscribe("node-" + i, "trainer", "update", SubscriptionMode.FOREVER,
            Map.of("rank__eq", new Value((long) i), "loss__lt", new Value(10.0)));
      }
      String topic = Topics.events(h.ns, "trainer");
      events = new byte[EVENTS + WARMUP][];
      for (int i = 0; i < events.length; i++) {
        Envelope e = Harness.envelope(Kind.EVENT, "t/trainer", null, "update",
            Map.of("rank", new Value((long) (i % SUBSCRIPTIONS)), "loss", new Value(0.5))).build();
        events[i] = h.envelopes.encode(topic, e);
      }
      TestInputTopic<String, byte[]> in = h.in(topic);
      for (int i = 0; i < WARMUP; i++) {
        in.pipeInput("t/trainer", events[i], Harness.T0);
      }
      h.mailbox.readRecordsToList();
      long start = System.nanoTime();
      for (int i = WARMUP; i < events.length; i++) {
        in.pipeInput("t/trainer", events[i], Harness.T0);
      }
      long ns = System.nanoTime() - start;
      routed = EVENTS / (ns / 1e9);
      assertEquals(EVENTS, h.mailbox.getQueueSize(), "each event matches exactly one subscription");
    }
    // the baseline: the same records through a topology that only forwards bytes
    StreamsBuilder b = new StreamsBuilder();
    b.stream(Pattern.compile("base\\.events\\..*"), Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .to("base.mailbox", Produced.with(Serdes.String(), Serdes.ByteArray()));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "pass-through");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("base").toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    try (TopologyTestDriver d = new TopologyTestDriver(b.build(), p)) {
      TestInputTopic<String, byte[]> in = d.createInputTopic("base.events.trainer", new StringSerializer(),
          new ByteArraySerializer());
      TestOutputTopic<String, byte[]> out = d.createOutputTopic("base.mailbox", new StringDeserializer(),
          new ByteArrayDeserializer());
      for (int i = 0; i < WARMUP; i++) {
        in.pipeInput("t/trainer", events[i], Instant.EPOCH);
      }
      out.readRecordsToList();
      long start = System.nanoTime();
      for (int i = WARMUP; i < events.length; i++) {
        in.pipeInput("t/trainer", events[i], Instant.EPOCH);
      }
      long ns = System.nanoTime() - start;
      passThrough = EVENTS / (ns / 1e9);
      assertEquals(EVENTS, out.getQueueSize());
    }
    System.out.printf("TopologyTestDriver, %d events, %d subscriptions on one channel: router %.0f events/s,"
        + " pass-through %.0f events/s (router = %.0f%% of pass-through)%n",
        EVENTS, SUBSCRIPTIONS, routed, passThrough, 100 * routed / passThrough);
  }
}
