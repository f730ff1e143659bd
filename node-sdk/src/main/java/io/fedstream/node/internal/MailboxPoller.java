package io.fedstream.node.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's one consumer and its poll thread: extends the {@link Assignment} (the local nodes'
 * mail, their group topics and the presence topics) on the poll thread; pauses partitions whose
 * buffer is full; hands every record to the {@link Dispatcher}; commits what was processed.
 */
final class MailboxPoller {

  private static final Logger LOG = LoggerFactory.getLogger(MailboxPoller.class);

  private final HostContext ctx;
  private final Offsets offsets;
  private final Dispatcher dispatcher;
  private final Handlers handlers;
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final Assignment assignment;
  private final Set<TopicPartition> paused = new HashSet<>();
  private Consumer<String, byte[]> consumer;
  private PollThreads pollThreads;
  private volatile boolean running;
  /** Only the thread polling now reads or writes these (a hand-off publishes them). */
  private long lastCommit;
  private long lastExpire;

  MailboxPoller(HostContext ctx, Offsets offsets, Dispatcher dispatcher, Handlers handlers) {
    this.ctx = ctx;
    this.offsets = offsets;
    this.dispatcher = dispatcher;
    this.handlers = handlers;
    this.assignment = new Assignment(ctx);
  }

  /** Takes the consumer, assigns what the nodes need and catches up with presence. Before {@link #run()}. */
  void open(Consumer<String, byte[]> c, Collection<Inbox> nodes) {
    this.consumer = c;
    assignment.open(c);
    assignment.add(nodes);
    catchUpPresence();
  }

  /** Starts the poll thread. */
  void run() {
    running = true;
    lastCommit = System.currentTimeMillis();
    lastExpire = lastCommit;
    pollThreads = new PollThreads(ctx.hostId);
    pollThreads.start(this::pollLoop);
  }

  /** Extends the assignment with a node added after start; blocking, from any thread but the poll thread. */
  void attach(Inbox n) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    commands.add(() -> {
      for (int attempt = 1; ; attempt++) {
        try {
          assignment.add(List.of(n));
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
    if (pollThreads != null) {
      consumer.wakeup();
      pollThreads.awaitEnd(30_000);
    }
  }

  void catchUpPresence() {
    Set<TopicPartition> ps = new HashSet<>();
    for (TopicPartition tp : assignment.assigned()) {
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
    return assignment.mailboxText();
  }

  // ---------------------------------------------------------------- poll loop

  /**
   * The poll loop, on the thread that polls now ({@link PollThreads}). When a batch leaves a
   * handler lane ready (see {@link HandlerLanes#endBatch()}), this thread runs that lane itself,
   * so a quick handler's reply goes out with no thread hand-off; if the handler takes longer than
   * {@link PollThreads#INLINE_LIMIT_NANOS}, another thread takes the loop over meanwhile and this
   * one ends once the handler returns.
   */
  private void pollLoop() {
    HandlerLanes.Claimed claimed = null;
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
        handlers.beginBatch();
        try {
          handle(records);
        } finally {
          claimed = handlers.endBatch();
        }
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
        if (claimed != null) {
          HandlerLanes.Claimed lane = claimed;
          claimed = null;
          long turn = pollThreads.beginInline();
          try {
            lane.run();
          } catch (Throwable t) {
            LOG.error("host {}: handlers run by the poll thread failed", ctx.hostId, t);
          }
          if (!pollThreads.endInline(turn)) {
            return; // another thread polls now: this one no longer touches the consumer
          }
        }
      }
    } catch (Throwable t) {
      LOG.error("host {}: poll loop failed; the host stops receiving", ctx.hostId, t);
      if (claimed != null) {
        claimed.start();
      }
    }
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
    } finally {
      try {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
      } finally {
        pollThreads.ended();
      }
    }
  }

  /**
   * Stops reading topics the broker no longer lets the host read (on a secured namespace, a site
   * removed from a project loses its broadcast topic); the rest of the assignment goes on.
   */
  private void revoke(Set<String> topics) {
    LOG.warn("host {}: no longer allowed to read {}; stops reading them", ctx.hostId, topics);
    assignment.revoke(topics);
    paused.removeIf(tp -> topics.contains(tp.topic()));
    pausedView.removeIf(tp -> topics.contains(tp.topic()));
  }

  private void updatePauses() {
    int high = ctx.config.receiveBuffer();
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (TopicPartition tp : assignment.assigned()) {
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
    return pausedView.contains(new TopicPartition(mail, assignment.mailboxPartitionOf(nodeId)));
  }

  private void handle(ConsumerRecords<String, byte[]> records) {
    long now = System.currentTimeMillis();
    for (TopicPartition tp : records.partitions()) {
      boolean mailbox = ctx.layout.partitionedByNode() && ctx.layout.isMail(tp.topic());
      for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
        if (mailbox && r.key() != null && assignment.mailboxPartitionOf(r.key()) != r.partition()) {
          dispatcher.misplaced(tp, r, assignment.mailboxPartitionOf(r.key()));
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

}
