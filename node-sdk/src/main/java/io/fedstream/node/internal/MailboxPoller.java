package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's one consumer and its poll thread: assigns (never subscribes) the mailbox partitions
 * of the local nodes, their group topics and the presence topic; seeks to the committed
 * positions; pauses partitions whose buffer is full; hands every record to the {@link
 * Dispatcher}; commits what was processed.
 */
final class MailboxPoller {

  private static final Logger LOG = LoggerFactory.getLogger(MailboxPoller.class);

  private final HostContext ctx;
  private final Offsets offsets;
  private final Dispatcher dispatcher;
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private Consumer<String, byte[]> consumer;
  private int mailboxPartitions;
  private Thread pollThread;
  private volatile boolean running;

  MailboxPoller(HostContext ctx, Offsets offsets, Dispatcher dispatcher) {
    this.ctx = ctx;
    this.offsets = offsets;
    this.dispatcher = dispatcher;
  }

  /** Takes the consumer, assigns what the nodes need and catches up with presence. Before {@link #run()}. */
  void open(Consumer<String, byte[]> c, Collection<Inbox> nodes) {
    this.consumer = c;
    mailboxPartitions = ctx.layout.partitionedByNode() ? partitions(ctx.layout.mailTo(ctx.hostId)).size() : 0;
    assign(nodes);
    catchUpPresence();
  }

  /** Starts the poll thread. */
  void run() {
    running = true;
    pollThread = new PollThread(this::pollLoop, "fedstream-" + ctx.hostId + "-poll");
    pollThread.start();
  }

  /** Extends the assignment with a node added after start; blocking, from any thread but the poll thread. */
  void attach(Inbox n) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    commands.add(() -> {
      for (int attempt = 1; ; attempt++) {
        try {
          assign(List.of(n));
          done.complete(null);
          return;
        } catch (WakeupException e) {
          if (attempt == 3) {
            done.completeExceptionally(e);
            return;
          }
          // a wakeup meant for poll() landed in assign(); it is consumed now, so try again
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
          return;
        }
      }
    });
    consumer.wakeup();
    done.get(HostContext.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Stops the poll thread: it commits what was processed and closes the consumer. */
  void stop() {
    running = false;
    if (pollThread != null) {
      consumer.wakeup();
      try {
        pollThread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
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

  static int partitionOf(String nodeId, int partitions) {
    return Utils.toPositive(Utils.murmur2(nodeId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** Extends the assignment with what these nodes need; poll thread (or start, before it runs). */
  void assign(Collection<Inbox> added) {
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

  void catchUpPresence() {
    Set<TopicPartition> ps = new HashSet<>();
    for (TopicPartition tp : assigned) {
      if (ctx.layout.isPresence(tp.topic())) {
        ps.add(tp);
      }
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(ps, Duration.ofSeconds(30));
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      boolean behind = false;
      for (TopicPartition tp : ps) {
        if (consumer.position(tp) < ends.get(tp)) {
          behind = true;
        }
      }
      if (!behind) {
        return;
      }
      handle(consumer.poll(Duration.ofMillis(100)));
    }
    LOG.warn("host {}: presence topic not caught up after 30 s; continuing", ctx.hostId);
  }

  String assignedMailbox() {
    List<Integer> ps = new ArrayList<>();
    for (TopicPartition tp : assigned) {
      if (ctx.layout.isMail(tp.topic())) {
        ps.add(tp.partition());
      }
    }
    java.util.Collections.sort(ps);
    return ps.toString();
  }

  // ---------------------------------------------------------------- poll loop

  private void pollLoop() {
    long lastCommit = System.currentTimeMillis();
    long lastExpire = lastCommit;
    try {
      while (running) {
        Runnable c;
        while ((c = commands.poll()) != null) {
          c.run();
        }
        updatePauses();
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(Duration.ofMillis(paused.isEmpty() ? 500 : 20));
        } catch (WakeupException e) {
          continue;
        } catch (org.apache.kafka.common.errors.TopicAuthorizationException e) {
          revoke(e.unauthorizedTopics());
          continue;
        }
        handle(records);
        long now = System.currentTimeMillis();
        if (now - lastCommit >= ctx.config.commitIntervalMs()) {
          lastCommit = now;
          Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
          if (!commit.isEmpty()) {
            consumer.commitAsync(commit, (o, e) -> {
              if (e != null) {
                LOG.warn("host {}: commit failed (will be retried with later positions): {}", ctx.hostId, e.toString());
              }
            });
          }
        }
        if (now - lastExpire >= 1000) {
          lastExpire = now;
          ctx.reassembler.expire(now);
        }
      }
    } catch (Throwable t) {
      LOG.error("host {}: poll loop failed; the host stops receiving", ctx.hostId, t);
    } finally {
      try {
        Map<TopicPartition, OffsetAndMetadata> commit = offsets.committable();
        if (!commit.isEmpty()) {
          try {
            consumer.commitSync(commit, Duration.ofSeconds(10));
          } catch (WakeupException e) {
            consumer.commitSync(commit, Duration.ofSeconds(10)); // the close's wakeup landed here; once more
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("host {}: final commit failed: {}", ctx.hostId, e.toString());
      }
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
    }
  }

  /**
   * Stops reading topics the broker no longer lets the host read (on a secured namespace, a site
   * removed from a project loses its broadcast topic); the rest of the assignment goes on.
   */
  private void revoke(Set<String> topics) {
    LOG.warn("host {}: no longer allowed to read {}; stops reading them", ctx.hostId, topics);
    assigned.removeIf(tp -> topics.contains(tp.topic()));
    paused.removeIf(tp -> topics.contains(tp.topic()));
    pausedView.removeIf(tp -> topics.contains(tp.topic()));
    consumer.assign(new HashSet<>(assigned));
  }

  private void updatePauses() {
    int high = ctx.config.receiveBuffer();
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (TopicPartition tp : assigned) {
      if (ctx.layout.isPresence(tp.topic())) {
        continue;
      }
      int n = offsets.inMemory(tp);
      if (!paused.contains(tp) && n >= high) {
        pause.add(tp);
      } else if (paused.contains(tp) && n <= high / 2) {
        resume.add(tp);
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
      paused.addAll(pause);
      pausedView.addAll(pause);
      LOG.debug("host {}: paused {}", ctx.hostId, pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
      paused.removeAll(resume);
      pausedView.removeAll(resume);
      LOG.debug("host {}: resumed {}", ctx.hostId, resume);
    }
  }

  private final Set<TopicPartition> pausedView = ConcurrentHashMap.newKeySet();

  /** True when a node's mailbox partition is paused for backpressure (for tests). */
  boolean mailboxPaused(String nodeId) {
    String mail = ctx.layout.mailTo(nodeId);
    if (!ctx.layout.partitionedByNode()) {
      return pausedView.stream().anyMatch(tp -> tp.topic().equals(mail));
    }
    return pausedView.contains(new TopicPartition(mail, partitionOf(nodeId, mailboxPartitions)));
  }

  private void handle(ConsumerRecords<String, byte[]> records) {
    long now = System.currentTimeMillis();
    for (TopicPartition tp : records.partitions()) {
      boolean mailbox = ctx.layout.partitionedByNode() && ctx.layout.isMail(tp.topic());
      for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
        if (mailbox && r.key() != null && partitionOf(r.key(), mailboxPartitions) != r.partition()) {
          dispatcher.misplaced(tp, r, partitionOf(r.key(), mailboxPartitions));
          continue;
        }
        boolean handled;
        try {
          handled = dispatcher.handle(tp, r, now);
        } catch (Throwable t) {
          // whatever a record causes, Errors included, it is dead-lettered and the host reads on
          LOG.error("host {}: handling {}-{}@{} failed", ctx.hostId, r.topic(), r.partition(), r.offset(), t);
          dispatcher.poison(tp, r, io.fedstream.node.ErrorCode.UNKNOWN, "UNHANDLED: "
              + io.fedstream.schemas.Limits.quote(t.toString()));
          handled = true;
        }
        if (!handled) {
          consumer.seek(tp, r.offset());
          break;
        }
      }
    }
  }

  /**
   * The poll thread is marked non-blocking: replies are emitted on it (one thread hop less per
   * request), so a {@code block()} in an operator after {@code request} fails at once instead of
   * deadlocking the host.
   */
  private static final class PollThread extends Thread implements reactor.core.scheduler.NonBlocking {
    PollThread(Runnable r, String name) {
      super(r, name);
      setDaemon(true);
    }
  }
}
