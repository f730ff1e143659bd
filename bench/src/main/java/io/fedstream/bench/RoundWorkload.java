package io.fedstream.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code round}: one federated round, seconds from the server sending the model to the server
 * holding every client's update. Plain lower bound for the same bytes: the model as 1 MiB records
 * on one topic that every client consumer reads (one copy on the broker, never one per client),
 * and each client's update as 1 MiB records to the server's one-partition topic, through one
 * shared producer (the cheapest way for clients hosted in one JVM).
 */
final class RoundWorkload extends Workload {

  static final int CHUNK = 1024 * 1024;

  @Override
  String name() {
    return "round";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) throws Exception {
    int modelBytes = size.pick(256 * 1024, 2 * CHUNK, 10 * CHUNK);
    int clients = size.pick(3, 20, 100);
    report.detail("size=" + size.label() + " model_bytes=" + modelBytes + " clients=" + clients
        + " update_bytes=" + modelBytes + " runs=" + runs);
    String sdkMissing = FedStream.sdkMissing();
    for (int run = 1; run <= runs; run++) {
      report.run("plain", run, plain(cluster, modelBytes, clients));
      if (sdkMissing == null) {
        report.run("fedstream", run, FedStream.round(cluster, modelBytes, clients));
      }
    }
    report.medians();
    if (sdkMissing != null) {
      report.result("skipped reason=" + sdkMissing);
      return;
    }
    double fs = report.median("fedstream", "round_s");
    double plain = report.median("plain", "round_s");
    report.result("fedstream=" + Report.num(fs) + " baseline=" + Report.num(plain) + " ratio=" + Report.num(fs / plain));
  }

  static Map<String, Double> plain(Cluster cluster, int modelBytes, int clients) throws Exception {
    String model = Clients.unique("round-model");
    String updates = Clients.unique("round-updates");
    cluster.createTopics(1, Map.of("max.message.bytes", Integer.toString(3 * CHUNK)), model, updates);
    byte[] chunk = new byte[Math.min(CHUNK, modelBytes)];
    ThreadLocalRandom.current().nextBytes(chunk);
    int chunks = (modelBytes + chunk.length - 1) / chunk.length;
    long expectedUpdates = (long) chunks * chunk.length * clients;
    List<KafkaConsumer<String, byte[]>> consumers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(clients);
    java.util.concurrent.atomic.AtomicLong modelIn = new java.util.concurrent.atomic.AtomicLong();
    try (KafkaProducer<String, byte[]> producer = Clients.newProducer(cluster, 5);
         KafkaConsumer<String, byte[]> server = new KafkaConsumer<>(fetchLarge(Clients.consumer(cluster, null)))) {
      TopicPartition updatesPartition = new TopicPartition(updates, 0);
      server.assign(List.of(updatesPartition));
      server.seekToBeginning(List.of(updatesPartition));
      server.position(updatesPartition);
      TopicPartition modelPartition = new TopicPartition(model, 0);
      for (int c = 0; c < clients; c++) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(fetchLarge(Clients.consumer(cluster, null)));
        consumers.add(consumer);
        String id = "client-" + c;
        Thread t = new Thread(() -> {
          try {
            consumer.assign(List.of(modelPartition));
            consumer.seekToBeginning(List.of(modelPartition));
            consumer.position(modelPartition);
            ready.countDown();
            long got = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (got < (long) chunks * chunk.length) {
              if (System.nanoTime() > deadline) {
                throw new BenchException("round plain: " + id + " did not get the model within 10 min");
              }
              for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                got += r.value().length;
              }
            }
            modelIn.accumulateAndGet(System.nanoTime(), Math::max);
            for (int i = 0; i < chunks; i++) {
              producer.send(new ProducerRecord<>(updates, "server", chunk));
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
            ready.countDown();
          }
        }, "round-plain-" + id);
        threads.add(t);
        t.start();
      }
      if (!ready.await(120, TimeUnit.SECONDS)) {
        throw new BenchException("round plain: the client consumers were not ready within 120 s");
      }
      long start = System.nanoTime();
      for (int i = 0; i < chunks; i++) {
        producer.send(new ProducerRecord<>(model, "server", chunk));
      }
      producer.flush();
      long gathered = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
      while (gathered < expectedUpdates) {
        if (failure.get() != null) {
          throw new BenchException("round plain: a client failed: " + failure.get(), failure.get());
        }
        if (System.nanoTime() > deadline) {
          throw new BenchException("round plain: gathered " + gathered + " of " + expectedUpdates + " bytes in 15 min");
        }
        for (ConsumerRecord<String, byte[]> r : server.poll(Duration.ofMillis(100))) {
          gathered += r.value().length;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      for (Thread t : threads) {
        t.join(30_000);
      }
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("round_s", seconds);
      v.put("scatter_s", (modelIn.get() - start) / 1e9);
      v.put("bytes_moved_mib", (chunks * (double) chunk.length * (1 + 2.0 * clients)) / (1024 * 1024));
      return v;
    } finally {
      for (Thread t : threads) {
        t.join(30_000);
      }
      for (KafkaConsumer<String, byte[]> c : consumers) {
        c.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
      }
      cluster.deleteTopics(model, updates);
    }
  }

  private static Properties fetchLarge(Properties p) {
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * CHUNK));
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(16 * CHUNK));
    return p;
  }
}
