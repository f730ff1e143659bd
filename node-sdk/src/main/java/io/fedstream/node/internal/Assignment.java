package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * What the host's consumer reads, and from where (assigned, never subscribed): the presence
 * topics from their beginning, each local node's mail (its mailbox partition in the shared layout)
 * and its groups' topics from their committed positions. Used by the {@link MailboxPoller}, on its
 * poll thread (or at start, before the thread runs).
 */
final class Assignment {

  private final HostContext ctx;
  private final Set<TopicPartition> assigned = new HashSet<>();
  private Consumer<String, byte[]> consumer;
  private int mailboxPartitions;

  Assignment(HostContext ctx) {
    this.ctx = ctx;
  }

  /** Takes the consumer and learns the mailbox's partition count (shared layout). */
  void open(Consumer<String, byte[]> c) {
    this.consumer = c;
    mailboxPartitions = ctx.layout.partitionedByNode() ? partitions(ctx.layout.mailTo(ctx.hostId)).size() : 0;
  }

  /** The assigned partitions (read-only). */
  Set<TopicPartition> assigned() {
    return Collections.unmodifiableSet(assigned);
  }

  /** The mailbox partition a node id hashes to (Kafka's murmur2, as its producers partition). */
  int mailboxPartitionOf(String nodeId) {
    return partitionOf(nodeId, mailboxPartitions);
  }

  static int partitionOf(String nodeId, int partitions) {
    return Utils.toPositive(Utils.murmur2(nodeId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** Extends the assignment with what these nodes need and seeks the new partitions. */
  void add(Collection<Inbox> added) {
    Set<TopicPartition> fresh = new LinkedHashSet<>();
    if (assigned.isEmpty()) {
      for (String presence : ctx.layout.presenceTopics()) {
        for (PartitionInfo p : partitions(presence)) {
          fresh.add(new TopicPartition(presence, p.partition()));
        }
      }
    }
    for (Inbox n : added) {
      String mail = ctx.layout.mailTo(n.id);
      if (ctx.layout.partitionedByNode()) {
        fresh.add(new TopicPartition(mail, partitionOf(n.id, mailboxPartitions)));
      } else {
        for (PartitionInfo p : partitions(mail)) {
          fresh.add(new TopicPartition(mail, p.partition()));
        }
      }
      for (String g : n.groups) {
        String t = ctx.layout.groupTopic(g);
        for (PartitionInfo p : partitions(t)) {
          fresh.add(new TopicPartition(t, p.partition()));
        }
      }
    }
    fresh.removeAll(assigned);
    if (fresh.isEmpty()) {
      return;
    }
    Set<TopicPartition> all = new HashSet<>(assigned);
    all.addAll(fresh);
    consumer.assign(all);
    Set<TopicPartition> committable = new HashSet<>();
    for (TopicPartition tp : fresh) {
      if (!ctx.layout.isPresence(tp.topic())) {
        committable.add(tp);
      }
    }
    Map<TopicPartition, OffsetAndMetadata> committed = committable.isEmpty() ? Map.of()
        : consumer.committed(committable, Duration.ofSeconds(30));
    for (TopicPartition tp : fresh) {
      OffsetAndMetadata c = committed.get(tp);
      if (ctx.layout.isPresence(tp.topic())) {
        consumer.seekToBeginning(List.of(tp));
      } else if (c != null) {
        consumer.seek(tp, c.offset());
      } else if (ctx.layout.isMail(tp.topic()) && ctx.config.mailboxReset().equals("earliest")) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seekToEnd(List.of(tp));
      }
    }
    for (TopicPartition tp : fresh) {
      consumer.position(tp, Duration.ofSeconds(30)); // resolve now, so nothing sent after start is missed
    }
    assigned.addAll(fresh);
  }

  /** Stops reading these topics; the rest of the assignment stays. */
  void revoke(Set<String> topics) {
    assigned.removeIf(tp -> topics.contains(tp.topic()));
    consumer.assign(new HashSet<>(assigned));
  }

  /** The assigned mail partitions, sorted, as text (for the log). */
  String mailboxText() {
    List<Integer> ps = new ArrayList<>();
    for (TopicPartition tp : assigned) {
      if (ctx.layout.isMail(tp.topic())) {
        ps.add(tp.partition());
      }
    }
    Collections.sort(ps);
    return ps.toString();
  }

  private List<PartitionInfo> partitions(String topic) {
    long end = System.currentTimeMillis() + HostContext.START_TIMEOUT.toMillis();
    while (true) {
      List<PartitionInfo> p;
      try {
        p = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      } catch (org.apache.kafka.common.errors.AuthorizationException e) {
        throw new NodeException(ErrorCode.FORBIDDEN, "not allowed to read " + topic + ": " + e.getMessage()
            + (ctx.layout.createsTopics() ? "" : " (on a secured namespace a site reads its own mail, the broadcast"
            + " topics of the projects it is a member of once 'fedstream site sync' has granted them, and the"
            + " sites and projects records; schemas/TOPICS.md)"), e);
      }
      if (p != null && !p.isEmpty()) {
        return p;
      }
      if (System.currentTimeMillis() > end) {
        throw new NodeException(ErrorCode.UNAVAILABLE, "topic " + topic + " has no partitions" + (ctx.layout.createsTopics()
            ? "" : ": on a secured namespace the operator creates it ('fedstream site add' for a site's mail,"
            + " 'fedstream site sync' for a project's broadcast topic)"));
      }
      try {
        Thread.sleep(50); // metadata of a just-created topic propagates; there is no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeException(ErrorCode.CANCELLED, "interrupted");
      }
    }
  }
}
