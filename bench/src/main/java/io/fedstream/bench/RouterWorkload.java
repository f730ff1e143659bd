package io.fedstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * {@code router}: events/s through the router's condition evaluation with many subscriptions,
 * against a pass-through Kafka Streams topology (same input bytes, same partitions, same
 * {@code exactly_once_v2} guarantee as the router). Once the application is RUNNING and one
 * event has gone through, the clock runs from the first event sent to the last one visible
 * (read_committed) on the output.
 */
final class RouterWorkload extends Workload {

  static final int EVENT_BYTES = 256;
  static final int INPUT_PARTITIONS = 6;
  static final int OUTPUT_PARTITIONS = 16;
  /**
   * The input partition of both sides: the node SDK writes a channel's events to the partition its
   * channel key hashes to, so the router's events (one channel) are on one partition; the
   * pass-through gets the same.
   */
  static final int CHANNEL_PARTITION = io.fedstream.schemas.RoutedRecords.channelPartition(
      FedStreamRouter.RouterSetup.ROLE, FedStreamRouter.RouterSetup.CHANNEL, INPUT_PARTITIONS);

  @Override
  String name() {
    return "router";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) throws Exception {
    int events = size.pick(2_000, 50_000, 200_000);
    int subscriptions = size.pick(10, 1_000, 1_000);
    report.detail("size=" + size.label() + " events=" + events + " subscriptions=" + subscriptions
        + " guarantee=exactly_once_v2 runs=" + runs);
    String routerMissing = FedStream.routerMissing();
    // With the router present, both sides carry the same encoded envelopes; else random bytes.
    List<byte[]> pool = routerMissing == null ? FedStreamRouter.routerEvents(cluster, subscriptions) : randomEvents();
    report.detail("event_bytes_mean=" + Report.num(pool.stream().mapToInt(b -> b.length).average().orElse(0)));
    for (int run = 1; run <= runs; run++) {
      report.run("passthrough", run, passThrough(cluster, events, pool));
      if (routerMissing == null) {
        report.run("fedstream", run, FedStreamRouter.router(cluster, events, subscriptions));
      }
    }
    report.medians();
    if (routerMissing != null) {
      report.result("skipped reason=" + routerMissing);
      return;
    }
    double fs = report.median("fedstream", "events_per_s");
    double base = report.median("passthrough", "events_per_s");
    report.detail("cpu_ratio=" + Report.num(report.median("passthrough", "cpu_us_per_event")
        / report.median("fedstream", "cpu_us_per_event")) + " (pass-through CPU per event / FedStream's, whole JVM)");
    report.result("fedstream=" + Report.num(fs) + " baseline=" + Report.num(base) + " ratio=" + Report.num(fs / base));
  }

  static List<byte[]> randomEvents() {
    byte[] value = new byte[EVENT_BYTES];
    ThreadLocalRandom.current().nextBytes(value);
    return List.of(value);
  }

  static Map<String, Double> passThrough(Cluster cluster, int events, List<byte[]> pool) throws Exception {
    String in = Clients.unique("router-in");
    String out = Clients.unique("router-out");
    cluster.createTopics(INPUT_PARTITIONS, Map.of(), in);
    cluster.createTopics(OUTPUT_PARTITIONS, Map.of(), out);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    Path stateDir = Files.createTempDirectory("bench-streams");
    Properties p = streamsProps(cluster, Clients.unique("router-passthrough"), stateDir);
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    try (KafkaStreams streams = new KafkaStreams(builder.build(), p);
         KafkaProducer<String, byte[]> producer = Clients.newProducer(cluster, 5);
         KafkaConsumer<String, byte[]> reader = readCommitted(cluster)) {
      reader.subscribe(List.of(out));
      Clients.awaitAssignment(reader, Duration.ofSeconds(30));
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING) {
          running.countDown();
        }
      });
      streams.start();
      if (!running.await(120, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new BenchException("router pass-through: not RUNNING within 120 s");
      }
      // Warm up (the first transactions on fresh partitions, JIT) with as many events as the
      // router side's probes, then time the events from the first send to the last out.
      int warmup = Math.min(events, 2_000);
      for (int i = 0; i < warmup; i++) {
        producer.send(new ProducerRecord<>(in, CHANNEL_PARTITION, "warm-up-" + (i % 64), pool.get(i % pool.size())));
      }
      producer.flush();
      countUntil(reader, warmup, "router pass-through warm-up");
      long cpu = ProcessCpu.nanos();
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        producer.send(new ProducerRecord<>(in, CHANNEL_PARTITION, "emitter-" + (i % 64), pool.get(i % pool.size())));
      }
      producer.flush();
      long end = countUntil(reader, events, "router pass-through");
      double seconds = (end - start) / 1e9;
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("events_per_s", events / seconds);
      v.put("process_s", seconds);
      v.put("cpu_us_per_event", (ProcessCpu.nanos() - cpu) / 1e3 / events);
      streams.close(Duration.ofSeconds(30));
      streams.cleanUp();
      return v;
    } finally {
      cluster.deleteTopics(in, out);
      TempFiles.deleteTree(stateDir);
    }
  }

  static Properties streamsProps(Cluster cluster, String applicationId, Path stateDir) {
    Properties p = cluster.props();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    return p;
  }

  static KafkaConsumer<String, byte[]> readCommitted(Cluster cluster) {
    Properties p = Clients.consumer(cluster, Clients.unique("router-reader"));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p);
  }

  /** Polls until {@code n} records were read; returns the time of the last one. */
  static long countUntil(KafkaConsumer<String, byte[]> reader, int n, String what) {
    long count = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (count < n) {
      if (System.nanoTime() > deadline) {
        throw new BenchException(what + ": " + count + " of " + n + " events out within 10 min");
      }
      count += reader.poll(Duration.ofMillis(100)).count();
    }
    return System.nanoTime();
  }
}
