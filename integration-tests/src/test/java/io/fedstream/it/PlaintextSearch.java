package io.fedstream.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Searches disks and topics for a plaintext marker (R5: the router's state stores, changelogs and
 * logs hold no plaintext payload). Files are read as bytes; topics are read through a consumer, so
 * records the producer compressed are searched decompressed (a byte search of log segments would
 * not see a marker inside a compressed batch).
 */
final class PlaintextSearch {

  /**
   * What one search covered and found.
   *
   * @param what a name for the report
   * @param unit what an item is: files or records
   * @param items files or records searched
   * @param bytes bytes searched
   * @param occurrences how often the marker was found
   * @param where the files or topics it was found in
   */
  record Count(String what, String unit, long items, long bytes, long occurrences, Set<String> where) {
    @Override
    public String toString() {
      return String.format("%-62s %,7d %-7s %,12d bytes: %d occurrences%s", what, items, unit, bytes, occurrences,
          where.isEmpty() ? "" : " in " + where);
    }
  }

  private PlaintextSearch() {
  }

  /**
   * Every regular file under {@code root} that {@code filter} accepts (all of them, and none when
   * {@code root} does not exist).
   */
  static Count files(String what, Path root, Predicate<Path> filter, byte[] marker) throws IOException {
    long files = 0;
    long bytes = 0;
    long found = 0;
    Set<String> where = new TreeSet<>();
    if (!Files.exists(root)) {
      return new Count(what, "files", 0, 0, 0, where);
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.filter(Files::isRegularFile).filter(filter).toList();
    }
    for (Path f : all) {
      long n;
      try (InputStream in = Files.newInputStream(f)) {
        n = occurrences(in, marker);
      } catch (java.nio.file.NoSuchFileException e) {
        continue; // removed while we walked (a segment deleted, a RocksDB file compacted away)
      }
      files++;
      bytes += Files.size(f);
      if (n > 0) {
        found += n;
        where.add(f.equals(root) ? f.getFileName().toString() : root.relativize(f).toString());
      }
    }
    return new Count(what, "files", files, bytes, found, where);
  }

  /** Occurrences of {@code marker} in a stream, read in blocks (a match may span two blocks). */
  static long occurrences(InputStream in, byte[] marker) throws IOException {
    byte[] buf = new byte[1 << 16];
    int keep = marker.length - 1;
    int have = 0;
    long found = 0;
    int r;
    while ((r = in.read(buf, have, buf.length - have)) > 0) {
      int end = have + r;
      int i = 0;
      for (; i + marker.length <= end; i++) {
        if (matches(buf, i, marker)) {
          found++;
        }
      }
      int tail = Math.min(keep, end);
      System.arraycopy(buf, end - tail, buf, 0, tail);
      have = tail;
    }
    return found;
  }

  /** Occurrences of {@code marker} in {@code bytes} (null counts none). */
  static long occurrences(byte[] bytes, byte[] marker) {
    if (bytes == null) {
      return 0;
    }
    long found = 0;
    for (int i = 0; i + marker.length <= bytes.length; i++) {
      if (matches(bytes, i, marker)) {
        found++;
      }
    }
    return found;
  }

  private static boolean matches(byte[] b, int at, byte[] marker) {
    for (int j = 0; j < marker.length; j++) {
      if (b[at + j] != marker[j]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every record (key, value, headers) of every topic {@code filter} accepts, from the start to the
   * end offsets of the moment, read with {@code client} settings (a principal that may read them).
   */
  static Count topics(String what, Map<String, Object> client, Predicate<String> filter, byte[] marker) throws Exception {
    Set<String> topics;
    try (Admin admin = Admin.create(client)) {
      topics = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
    }
    topics.removeIf(filter.negate());
    Map<String, Object> c = new HashMap<>(client);
    c.put("max.partition.fetch.bytes", 8 * 1024 * 1024);
    long records = 0;
    long bytes = 0;
    long found = 0;
    Set<String> where = new TreeSet<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (String t : topics) {
        consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> tps.add(new TopicPartition(t, p.partition())));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topics + " to their end within 2 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          records++;
          long n = occurrences(r.key(), marker) + occurrences(r.value(), marker);
          bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
          for (Header h : r.headers()) {
            n += occurrences(h.value(), marker);
            bytes += h.value() == null ? 0 : h.value().length;
          }
          if (n > 0) {
            found += n;
            where.add(r.topic());
          }
        }
      }
    }
    return new Count(what + " (" + topics.size() + " topics)", "records", records, bytes, found, where);
  }
}
