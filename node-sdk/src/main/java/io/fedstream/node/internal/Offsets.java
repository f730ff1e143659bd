package io.fedstream.node.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which fetched records are still being processed, per partition, so that the host commits only
 * positions below every unprocessed record (commit after processing), and knows how many
 * records wait in memory (to pause fetching). Thread-safe.
 */
final class Offsets {

  /** One fetched record; done once every delivery of it is processed. */
  final class Token {
    private final TopicPartition tp;
    private final long offset;
    private final boolean inMemory;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile java.util.List<Token> children;

    Token(TopicPartition tp, long offset, boolean inMemory) {
      this.tp = tp;
      this.offset = offset;
      this.inMemory = inMemory;
    }

    /** One more delivery of the same record (group fan-out to several local nodes). */
    Token retain() {
      refs.incrementAndGet();
      return this;
    }

    /** Tokens completed together with this one (the chunks of a reassembled payload). */
    void adopt(java.util.List<Token> tokens) {
      java.util.List<Token> c = new java.util.ArrayList<>(tokens);
      if (children != null) {
        c.addAll(children);
      }
      children = c;
    }

    void done() {
      if (refs.decrementAndGet() == 0) {
        complete(this);
        java.util.List<Token> c = children;
        if (c != null) {
          c.forEach(Token::done);
        }
      }
    }
  }

  private static final class Part {
    final TreeMap<Long, Integer> open = new TreeMap<>();
    long next = -1;
    long committed = -1;
    int inMemory;
  }

  private final Map<TopicPartition, Part> parts = new HashMap<>();

  /** Registers a fetched record; the returned token must be done exactly once per retain. */
  synchronized Token open(TopicPartition tp, long offset, boolean inMemory) {
    Part p = parts.computeIfAbsent(tp, k -> new Part());
    p.open.merge(offset, 1, Integer::sum);
    p.next = Math.max(p.next, offset + 1);
    if (inMemory) {
      p.inMemory++;
    }
    return new Token(tp, offset, inMemory);
  }

  /** Records a fetched record that needs no processing (not for this host, a duplicate). */
  synchronized void skip(TopicPartition tp, long offset) {
    Part p = parts.computeIfAbsent(tp, k -> new Part());
    p.next = Math.max(p.next, offset + 1);
  }

  private synchronized void complete(Token t) {
    Part p = parts.get(t.tp);
    if (p == null) {
      return;
    }
    p.open.computeIfPresent(t.offset, (k, v) -> v == 1 ? null : v - 1);
    if (t.inMemory) {
      p.inMemory--;
    }
  }

  /** Records in memory waiting for processing on a partition. */
  synchronized int inMemory(TopicPartition tp) {
    Part p = parts.get(tp);
    return p == null ? 0 : p.inMemory;
  }

  /** Positions safe to commit that moved since the last call. */
  synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (Map.Entry<TopicPartition, Part> e : parts.entrySet()) {
      Part p = e.getValue();
      if (p.next < 0) {
        continue;
      }
      long safe = p.open.isEmpty() ? p.next : p.open.firstKey();
      if (safe > p.committed) {
        out.put(e.getKey(), new OffsetAndMetadata(safe));
        p.committed = safe;
      }
    }
    return out;
  }

  /** Forgets a partition's state (after a seek). */
  synchronized void reset(TopicPartition tp) {
    parts.remove(tp);
  }
}
