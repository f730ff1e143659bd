package io.fedstream.router.internal;

import io.fedstream.protocol.Expression;
import io.fedstream.avro.LivenessState;
import io.fedstream.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the register table needs to count messages sent to groups (MARO's broadcast): a group
 * record is read by every member, and a member's registrations live in the task of its mailbox
 * partition, which the record's own partition says nothing about. So the router copies each group
 * record once to every partition of an internal topic co-partitioned with the mailbox (key = {@code partition/partitions}, value = the register table's gathered entry: position and wire bytes); the
 * register table of each partition then counts it for its own registering nodes that are alive
 * members of the group. That costs {@code mailbox partitions} small copies per broadcast, however
 * large the group.
 *
 * <p>Also the group side of unit matching: a unit whose source names a group counts the messages
 * of that group's alive members.
 */
final class GroupMessages {

  /** Repartition topic name (prefixed by Streams with the application id). */
  static final String BY_PARTITION = "group-messages-by-partition";

  private GroupMessages() {
  }

  /** Copies each group record to every partition, keyed {@code partition/partitions}. */
  static final class FanOut extends ContextualProcessor<String, byte[], String, byte[]> {
    private final int partitions;

    FanOut(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public void process(Record<String, byte[]> r) {
      if (r.value() == null) {
        return;
      }
      RecordMetadata m = context().recordMetadata().orElseThrow();
      byte[] entry = RegisterTable.entry(m.topic(), m.partition(), m.offset(), r.value());
      for (int p = 0; p < partitions; p++) {
        context().forward(new Record<>(p + "/" + partitions, entry, r.timestamp(), new RecordHeaders()));
      }
    }
  }

  /** Puts each copy on the partition its key names. */
  static final StreamPartitioner<String, byte[]> PARTITIONER =
      (topic, key, value, n) -> java.util.Optional.of(Set.of(partitionOf(key) % n));

  /** The partition a copy is for, from its key {@code p/n}. */
  static int partitionOf(String key) {
    return Integer.parseInt(key.substring(0, key.indexOf('/')));
  }

  /**
   * Whether a node's mailbox is in the partition a copy is for: every task sees its own copy, but
   * a single-partition run (the test driver) sees all of them, and must count each once.
   */
  static boolean isFor(String key, String node) {
    int n = Integer.parseInt(key.substring(key.indexOf('/') + 1));
    byte[] k = node.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(k)) % n
        == partitionOf(key);
  }

  /** Whether a topic is this router's copy of the group records. */
  static boolean isCopy(String topic) {
    return topic.endsWith("-" + BY_PARTITION + "-repartition");
  }

  /** The group a group topic belongs to, {@code <ns>.group.<g>} → {@code g}. */
  static String groupOf(String namespace, String topic) {
    String prefix = namespace + "." + Topics.GROUP + ".";
    return topic.startsWith(prefix) ? topic.substring(prefix.length()) : null;
  }

  /** The groups of a node if it is ALIVE in the liveness view, else an empty set. */
  static Set<String> aliveGroups(ReadOnlyKeyValueStore<String, String> liveness, String node) {
    String v = node == null ? null : liveness.get(node);
    if (v == null || !(v.equals(LivenessState.ALIVE.name()) || v.startsWith(LivenessState.ALIVE.name() + "\t"))) {
      return Set.of();
    }
    String[] parts = v.split("\t");
    return parts.length == 1 ? Set.of() : Set.of(java.util.Arrays.copyOfRange(parts, 1, parts.length));
  }

  /**
   * {@link Expression#matching(String, String)} where a unit whose source is one of the sender's
   * groups matches as specifically as a prefix of that length would: the longest source still
   * wins, and a group and a prefix of the same length tie.
   */
  static List<Expression.Unit> matching(Expression x, String source, String tag, Set<String> senderGroups) {
    if (senderGroups.isEmpty()) {
      return x.matching(source, tag);
    }
    int best = -1;
    List<Expression.Unit> out = new ArrayList<>(1);
    for (Expression.Unit u : x.units()) {
      if (!u.tagMatches(tag)) {
        continue;
      }
      int s = u.sourceSpecificity(source);
      if (s < 0 && !"*".equals(u.source()) && (senderGroups.contains(u.source())
          || senderGroups.contains(Topics.normalise(u.source())))) {
        s = u.source().length();
      }
      if (s < 0 || s < best) {
        continue;
      }
      if (s > best) {
        out.clear();
        best = s;
      }
      out.add(u);
    }
    return out;
  }
}
