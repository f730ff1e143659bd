package io.fedstream.node.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.schemas.Limits;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.wire.SchemaRegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Every write of the host goes through here: envelopes (inline or chunked through {@link
 * ChunkWriter}), events, control records, tombstones, heartbeats and dead letters. One producer.
 */
final class Outbox {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final HostContext ctx;
  private final KafkaClients clients;
  private final Map<String, Integer> eventPartitions = new ConcurrentHashMap<>();
  /** Held while a heartbeat is built and handed to the producer, and while a node's spec changes. */
  final Object heartbeatLock = new Object();
  private volatile Producer<String, byte[]> producer;
  private volatile ChunkWriter chunks;

  Outbox(HostContext ctx, KafkaClients clients) {
    this.ctx = ctx;
    this.clients = clients;
  }

  /** Starts writing with this producer. */
  void open(Producer<String, byte[]> p) {
    this.chunks = new ChunkWriter(ctx, p);
    this.producer = p;
  }

  boolean isOpen() {
    return producer != null;
  }

  /**
   * Sends a prepared message. With {@code hop}, the acknowledgement is signalled on a delivery
   * thread, so that code the caller chains after it never runs on (and never blocks) the
   * producer's I/O thread. Without, the acknowledgement is signalled on the producer's I/O thread
   * and only failures hop: for the SDK's own chains (a request's send, a served reply), which do
   * no more than complete a sink or release an offset, a thread wake-up less per message.
   */
  Mono<Void> send(String topic, String key, Message m, boolean hop) {
    return send(topic, null, key, m, hop);
  }

  /** As {@link #send(String, String, Message, boolean)}, to a given partition ({@code null}: by key). */
  Mono<Void> send(String topic, Integer partition, String key, Message m, boolean hop) {
    return Mono.defer(() -> {
      if (ctx.closed || producer == null) {
        return Mono.error(ctx.notRunning());
      }
      if (tooDeep(m.args())) {
        return Mono.error(new NodeException.CallerException("message '" + m.tag() + "' has args nested deeper than "
            + Limits.MAX_VALUE_DEPTH + " levels; flatten them or send the structure as a payload"));
      }
      boolean large = false;
      for (Payload p : m.payloads()) {
        if (p.size() > ctx.config.chunkSize()) {
          large = true;
        }
      }
      if (large) {
        return Mono.<Void>fromCallable(() -> {
          // chunks go by key, and so does their envelope, so that it follows them in one partition
          chunks.write(topic, key, m, ps -> produce(topic, null, key, m, EnvelopeCodec.toEnvelope(m, ps)));
          return null;
        }).subscribeOn(ctx.delivery);
      }
      List<io.fedstream.avro.Payload> ps = new ArrayList<>(m.payloads().size());
      for (Payload p : m.payloads()) {
        ps.add(Records.inline(p, p.bytes()));
      }
      Mono<Void> sent = produce(topic, partition, key, m, EnvelopeCodec.toEnvelope(m, ps));
      return hop ? sent.publishOn(ctx.delivery) : sent.onErrorResume(e -> Mono.<Void>error(e).publishOn(ctx.delivery));
    });
  }

  private Mono<Void> produce(String topic, Integer partition, String key, Message m, Envelope e) {
    byte[] value;
    try {
      value = ctx.codec.encode(topic, e, 512);
    } catch (SchemaRegistryException ex) {
      return Mono.error(new NodeException(ErrorCode.UNAVAILABLE, "registry: " + ex.getMessage(), ex));
    } catch (IllegalArgumentException ex) {
      return Mono.error(new NodeException.CallerException("message '" + m.tag() + "' cannot be encoded: "
          + Limits.quote(ex.getMessage())));
    }
    Headers headers = Records.headers(m.id(), m.kind().name(), m.traceparent().orElse(null));
    // The producer refuses a record by its whole size (key, value, headers and the record's framing)
    // with an exception that would read as UNAVAILABLE: measure it as the producer does.
    int size = Records.recordSize(key, value, headers);
    if (size > TopicSettings.MAX_MESSAGE_BYTES) {
      return Mono.error(new NodeException.CallerException("message '" + m.tag() + "' makes a record of " + size
          + " bytes with its key and headers, more than " + TopicSettings.MAX_MESSAGE_BYTES
          + "; move data from args into payloads"));
    }
    ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, partition, key, value, headers);
    return Mono.create(sink -> {
      try {
        producer.send(rec, (md, ex) -> {
          if (ex != null) {
            sink.error(writeFailed(topic, ex));
          } else {
            ctx.metrics.sent(value.length);
            sink.success();
          }
        });
      } catch (RuntimeException ex) {
        sink.error(new NodeException(ErrorCode.UNAVAILABLE, "send to " + topic + " failed: " + ex, ex));
      }
    });
  }

  /** Whether args nest deeper than {@link Limits#MAX_VALUE_DEPTH} (counted without recursion). */
  static boolean tooDeep(java.util.Map<String, Object> args) {
    for (Object v : args.values()) {
      if (Limits.depth(v, Limits.MAX_VALUE_DEPTH) > Limits.MAX_VALUE_DEPTH) {
        return true;
      }
    }
    return false;
  }

  /** Broadcasts to a group's topic, keyed by the sender. */
  Mono<Void> sendToGroup(String group, Message m) {
    return sendEnsured(ctx.layout.groupTopic(group), m.source(), m);
  }

  /** Sends to a topic created on demand with the contract's settings. */
  Mono<Void> sendEnsured(String topic, String key, Message m) {
    return Mono.defer(() -> {
      if (clients.known(topic)) {
        return send(topic, key, m, true);
      }
      return Mono.fromRunnable(() -> clients.ensureTopics(List.of(topic))).subscribeOn(ctx.delivery)
          .then(send(topic, key, m, true));
    });
  }

  /**
   * Sends an event keyed by its role instance to the partition of its channel
   * ({@link RoutedRecords#channelPartition}), where the router reads it without re-keying it; the
   * topic is created on demand.
   */
  Mono<Void> sendEvent(String topic, String role, String channel, String instance, Message m) {
    return Mono.defer(() -> {
      Integer partitions = eventPartitions.get(topic);
      if (partitions == null && (ctx.closed || producer == null)) {
        return send(topic, instance, m, true); // fails with the host's state
      }
      Mono<Integer> count = partitions != null ? Mono.just(partitions) : Mono.fromCallable(() -> {
        clients.ensureTopics(List.of(topic));
        int n = producer.partitionsFor(topic).size();
        eventPartitions.put(topic, n);
        return n;
      }).subscribeOn(ctx.delivery);
      return count.flatMap(n -> send(topic, RoutedRecords.channelPartition(role, channel, n), instance, m, true));
    });
  }

  /** Writes a control record (topic created on demand); completes on the broker's acknowledgement. */
  Mono<Void> writeRecord(String topic, String key, Callable<byte[]> value) {
    return Mono.<Void>create(sink -> {
      if (ctx.closed || producer == null) {
        sink.error(ctx.notRunning());
        return;
      }
      byte[] bytes;
      try {
        clients.ensureTopics(List.of(topic));
        bytes = value.call();
      } catch (NodeException e) {
        sink.error(e);
        return;
      } catch (Exception e) {
        sink.error(new NodeException(ErrorCode.UNAVAILABLE, "cannot encode a record for " + topic + ": " + e, e));
        return;
      }
      try {
        producer.send(new ProducerRecord<>(topic, key, bytes), (md, ex) -> {
          if (ex != null) {
            sink.error(new NodeException(ErrorCode.UNAVAILABLE, "write to " + topic + " failed: " + ex, ex));
          } else {
            ctx.metrics.sent(bytes.length);
            sink.success();
          }
        });
      } catch (RuntimeException ex) {
        sink.error(new NodeException(ErrorCode.UNAVAILABLE, "write to " + topic + " failed: " + ex, ex));
      }
    }).subscribeOn(ctx.delivery);
  }

  /**
   * Writes a tombstone (unsubscribe, unregister, leave), fire and forget; also while the host
   * closes (its producer is flushed before it closes).
   */
  void tombstone(String topic, String key) {
    Producer<String, byte[]> p = producer;
    if (p == null) {
      return;
    }
    try {
      p.send(new ProducerRecord<>(topic, key, null), (md, ex) -> {
        if (ex != null) {
          LOG.warn("host {}: tombstone for {} on {} failed: {}", ctx.hostId, key, topic, ex.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("host {}: tombstone for {} on {} failed: {}", ctx.hostId, key, topic, e.toString());
    }
  }

  /**
   * Writes a node's presence record (built by its {@link Announcer} under {@link #heartbeatLock});
   * completes on the broker's acknowledgement.
   */
  CompletableFuture<Void> heartbeat(ProducerRecord<String, byte[]> r) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    try {
      producer.send(r, (md, ex) -> {
        if (ex != null) {
          f.completeExceptionally(ex);
        } else {
          f.complete(null);
        }
      });
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /** The error of a failed write: {@code FORBIDDEN} when the broker's ACLs refused it, else {@code UNAVAILABLE}. */
  static NodeException writeFailed(String topic, Exception ex) {
    if (ex instanceof org.apache.kafka.common.errors.AuthorizationException) {
      return new NodeException(ErrorCode.FORBIDDEN, "not allowed to write " + topic + ": " + ex.getMessage()
          + " (on a secured namespace a site writes only to the mail of its project peers and, as coordinator,"
          + " to its project's broadcast topic; schemas/TOPICS.md)", ex);
    }
    return new NodeException(ErrorCode.UNAVAILABLE, "send to " + topic + " failed: " + ex, ex);
  }

  /** Copies a record the host cannot take to the dead-letter topic, with the code and reason. */
  void deadLetter(ConsumerRecord<String, byte[]> r, ErrorCode code, String reason) {
    LOG.warn("host {}: dead-lettering {}-{}@{}: {}", ctx.hostId, r.topic(), r.partition(), r.offset(), reason);
    try {
      producer.send(Records.deadLetter(ctx.deadLetterTopic, r, code, reason, ctx.hostId), (md, ex) -> {
        if (ex != null) {
          LOG.error("host {}: cannot dead-letter {}-{}@{}: {}", ctx.hostId, r.topic(), r.partition(), r.offset(),
              ex.toString());
        }
      });
    } catch (RuntimeException ex) {
      LOG.error("host {}: cannot dead-letter {}-{}@{}: {}", ctx.hostId, r.topic(), r.partition(), r.offset(),
          ex.toString());
    }
    ctx.metrics.deadLettered.increment();
  }

  /** Waits for every record handed to the producer. */
  void flush() {
    Producer<String, byte[]> p = producer;
    if (p != null) {
      p.flush();
    }
  }

  void close() {
    Producer<String, byte[]> p = producer;
    if (p != null) {
      p.close(java.time.Duration.ofSeconds(30));
    }
  }
}
