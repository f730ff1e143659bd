package io.fedstream.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code oneway}: 1 KB messages from one sender to one receiver, as fast as they go; msg/s from
 * the first send to the last receipt. Baseline: a plain producer (Kafka's defaults, idempotent,
 * {@code acks=all}) to a plain consumer over a one-partition topic — one sender to one receiver
 * is one ordered stream, so one partition, as a mailbox keyed by source gives it.
 *
 * <p>The SDK's producer batches up to 256 KiB per partition where Kafka's default is 16 KiB. So
 * that the figures show what that setting buys and what FedStream itself costs, a third side,
 * {@code plain-batched}, runs the plain producer with the SDK's batch size; it is printed as a
 * detail, the {@code RESULT} line compares with the plain defaults.
 */
final class OnewayWorkload extends Workload {

  static final int MESSAGE_BYTES = 1024;
  /** The node SDK producer's {@code batch.size}. */
  static final int SDK_BATCH_BYTES = 256 * 1024;

  @Override
  String name() {
    return "oneway";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) throws Exception {
    int messages = size.pick(2_000, 100_000, 500_000);
    report.detail("size=" + size.label() + " messages=" + messages + " message_bytes=" + MESSAGE_BYTES
        + " runs=" + runs);
    String sdkMissing = FedStream.sdkMissing();
    // A short warm-up run of each side first, so that JIT compilation is not in the figures.
    plain(cluster, Math.min(messages, 20_000), 0);
    if (sdkMissing == null) {
      FedStream.oneway(cluster, Math.min(messages, 20_000), MESSAGE_BYTES);
    }
    for (int run = 1; run <= runs; run++) {
      report.run("plain", run, plain(cluster, messages, 0));
      report.run("plain-batched", run, plain(cluster, messages, SDK_BATCH_BYTES));
      if (sdkMissing == null) {
        report.run("fedstream", run, FedStream.oneway(cluster, messages, MESSAGE_BYTES));
      }
    }
    report.medians();
    if (sdkMissing != null) {
      report.result("skipped reason=" + sdkMissing);
      return;
    }
    double fs = report.median("fedstream", "msg_per_s");
    double plain = report.median("plain", "msg_per_s");
    report.result("fedstream=" + Report.num(fs) + " baseline=" + Report.num(plain) + " ratio=" + Report.num(fs / plain));
  }

  /**
   * The plain side; {@code batchBytes} 0 for Kafka's default {@code batch.size}, else that size.
   */
  static Map<String, Double> plain(Cluster cluster, int messages, int batchBytes) throws InterruptedException {
    String topic = Clients.unique("oneway-plain");
    cluster.createTopics(1, Map.of(), topic);
    byte[] value = new byte[MESSAGE_BYTES];
    ThreadLocalRandom.current().nextBytes(value);
    AtomicLong lastReceipt = new AtomicLong();
    AtomicLong received = new AtomicLong();
    try (KafkaConsumer<String, byte[]> consumer = Clients.newConsumer(cluster, Clients.unique("oneway-receiver"));
         KafkaProducer<String, byte[]> producer = batchBytes == 0 ? Clients.newProducer(cluster, 5)
             : Clients.newProducer(cluster, 5, batchBytes)) {
      consumer.subscribe(List.of(topic));
      Clients.awaitAssignment(consumer, Duration.ofSeconds(30));
      Thread receiver = new Thread(() -> {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (received.get() < messages && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            if (r.value().length == MESSAGE_BYTES) {
              received.incrementAndGet();
            }
          }
        }
        lastReceipt.set(System.nanoTime());
      }, "oneway-plain-receiver");
      long start = System.nanoTime();
      receiver.start();
      for (int i = 0; i < messages; i++) {
        producer.send(new ProducerRecord<>(topic, "sender", value));
      }
      producer.flush();
      long sent = System.nanoTime();
      receiver.join();
      if (received.get() < messages) {
        throw new BenchException("oneway plain: received " + received.get() + " of " + messages + " within 10 min");
      }
      double seconds = (lastReceipt.get() - start) / 1e9;
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("msg_per_s", messages / seconds);
      v.put("mb_per_s", messages * (double) MESSAGE_BYTES / 1e6 / seconds);
      v.put("send_s", (sent - start) / 1e9);
      v.put("total_s", seconds);
      return v;
    } finally {
      cluster.deleteTopics(topic);
    }
  }
}
