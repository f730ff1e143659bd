package io.fedstream.bench;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The receiving side of {@code large}, in a JVM of its own so that its heap peak is its own:
 * {@code LargeReceiver plain <bootstrap> <topic> <bytes>}. Prints {@code READY} once it has its
 * partition, then {@code DONE bytes=<n> sha256=<hex> heap_mib=<peak>} when all bytes are in; both lines
 * end with the JVM's CPU seconds so far ({@code cpu_s=}).
 */
final class LargeReceiver {
  private LargeReceiver() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4 || !args[0].equals("plain")) {
      System.err.println("Usage: LargeReceiver plain <bootstrap> <topic> <bytes>");
      System.exit(2);
    }
    String bootstrap = args[1];
    String topic = args[2];
    long expected = Long.parseLong(args[3]);
    try (HeapPeak heap = new HeapPeak()) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-large-receiver-" + System.nanoTime());
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringDeserializer.class);
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
          org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
      // Fetch several 1 MiB records at once; still far inside a 128 MiB heap.
      p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
      p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long bytes = 0;
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
        consumer.subscribe(List.of(topic));
        Clients.awaitAssignment(consumer, Duration.ofSeconds(60));
        System.out.println("READY cpu_s=" + ProcessCpu.seconds());
        System.out.flush();
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (bytes < expected && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            sha.update(r.value());
            bytes += r.value().length;
          }
        }
      }
      String sha256 = HexFormat.of().formatHex(sha.digest());
      System.out.println("DONE bytes=" + bytes + " sha256=" + sha256 + " heap_mib=" + Report.num(heap.peakMib())
          + " cpu_s=" + ProcessCpu.seconds());
      System.out.flush();
    }
    System.exit(0);
  }
}
