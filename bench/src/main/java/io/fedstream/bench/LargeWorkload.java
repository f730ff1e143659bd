package io.fedstream.bench;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code large}: one big payload end to end, SHA-256 checked at the receiver; MB/s (10^6 bytes)
 * from the first byte sent to the receiver's hash. The receiver runs in a child JVM with
 * {@code -Xmx} of {@link #RECEIVER_HEAP_MIB} MiB so that its heap peak is its own (and bounded).
 * Baseline: the same bytes as plain 1 MiB records. Each run also prints the CPU seconds each side
 * used for the transfer ({@code sender_cpu_s}: the bench JVM, in-process broker included;
 * {@code receiver_cpu_s}: the receiver JVM), which a loaded machine disturbs less than MB/s.
 */
final class LargeWorkload extends Workload {

  static final int CHUNK = 1024 * 1024;
  static final int RECEIVER_HEAP_MIB = 128;

  @Override
  String name() {
    return "large";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) throws Exception {
    long bytes = size.pick(16L, 256L, 1024L) * CHUNK;
    report.detail("size=" + size.label() + " bytes=" + bytes + " chunk_bytes=" + CHUNK
        + " receiver_xmx_mib=" + RECEIVER_HEAP_MIB + " runs=" + runs);
    String sdkMissing = FedStream.sdkMissing();
    for (int run = 1; run <= runs; run++) {
      report.run("plain", run, plain(cluster, bytes));
      if (sdkMissing == null) {
        report.run("fedstream", run, FedStreamLarge.large(cluster, bytes, RECEIVER_HEAP_MIB));
      }
    }
    report.medians();
    if (sdkMissing != null) {
      report.result("skipped reason=" + sdkMissing);
      return;
    }
    double fs = report.median("fedstream", "mb_per_s");
    double plain = report.median("plain", "mb_per_s");
    report.result("fedstream=" + Report.num(fs) + " baseline=" + Report.num(plain) + " ratio=" + Report.num(fs / plain)
        + " heap_mib=" + Report.num(report.median("fedstream", "receiver_heap_mib")));
  }

  /** Fills {@code chunk} with the deterministic bytes of chunk number {@code index}. */
  static void fill(byte[] chunk, long index, Random random) {
    random.nextBytes(chunk);
    ByteBuffer.wrap(chunk).putLong(index);
  }

  static Map<String, Double> plain(Cluster cluster, long bytes) throws Exception {
    String topic = Clients.unique("large-plain");
    cluster.createTopics(1, Map.of("max.message.bytes", Integer.toString(3 * CHUNK)), topic);
    try (ChildJvm receiver = ChildJvm.start(List.of("-Xmx" + RECEIVER_HEAP_MIB + "m"),
        LargeReceiver.class.getName(), List.of("plain", cluster.bootstrap(), topic, Long.toString(bytes)));
         KafkaProducer<String, byte[]> producer = Clients.newProducer(cluster, 5)) {
      double receiverCpu0 = cpu(receiver.await("READY", 60));
      double senderCpu0 = ProcessCpu.seconds();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] chunk = new byte[CHUNK];
      Random random = new Random(42);
      long start = System.nanoTime();
      for (long sent = 0, i = 0; sent < bytes; sent += CHUNK, i++) {
        fill(chunk, i, random);
        sha.update(chunk);
        producer.send(new ProducerRecord<>(topic, "sender", chunk)); // copied into the batch on send
      }
      producer.flush();
      String done = receiver.await("DONE", 1800);
      double seconds = (System.nanoTime() - start) / 1e9;
      double senderCpu = ProcessCpu.seconds() - senderCpu0;
      String expected = HexFormat.of().formatHex(sha.digest());
      Map<String, String> fields = fields(done);
      if (!expected.equals(fields.get("sha256")) || Long.parseLong(fields.get("bytes")) != bytes) {
        throw new BenchException("large plain: the receiver got " + done + ", expected bytes=" + bytes + " sha256=" + expected);
      }
      receiver.waitFor(30);
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("mb_per_s", bytes / 1e6 / seconds);
      v.put("total_s", seconds);
      v.put("receiver_heap_mib", Double.parseDouble(fields.get("heap_mib")));
      v.put("sender_cpu_s", senderCpu);
      v.put("receiver_cpu_s", cpu(done) - receiverCpu0);
      return v;
    } finally {
      cluster.deleteTopics(topic);
    }
  }

  /** The {@code cpu_s=} field of a receiver's line. */
  static double cpu(String line) {
    return Double.parseDouble(fields(line).getOrDefault("cpu_s", "NaN"));
  }

  static Map<String, String> fields(String line) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : line.split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        m.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return m;
  }
}
