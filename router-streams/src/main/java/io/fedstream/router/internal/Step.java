package io.fedstream.router.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.schemas.TopicSettings;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shared plumbing of the router's processors: emitting to a route, dead-lettering. */
abstract class Step<V> extends ContextualProcessor<String, V, String, Out> {

  static final Logger LOG = LoggerFactory.getLogger("io.fedstream.router");

  final Settings settings;

  Step(Settings settings) {
    this.settings = settings;
  }

  /**
   * Handles one record: whatever it causes, {@code Error}s included (a parser's
   * {@code StackOverflowError}), the record is dead-lettered in the same transaction and the
   * router goes on. Only what says nothing about the record propagates: an unreachable registry
   * (the task is retried) and Kafka's own failures (a fenced producer, a migrated task).
   */
  @Override
  public final void process(Record<String, V> r) {
    refused = null;
    try {
      handle(r);
      if (refused != null) {
        failed(r, ErrorCode.REJECTED, refused);
      }
    } catch (io.fedstream.schemas.wire.SchemaRegistryException | org.apache.kafka.common.KafkaException e) {
      throw e;
    } catch (StackOverflowError e) {
      failed(r, ErrorCode.REJECTED, "the record nests too deep for the router to process");
    } catch (Throwable e) {
      LOG.error("{} failed on {}", getClass().getSimpleName(), position(), e);
      failed(r, ErrorCode.UNKNOWN, "router failed to process: "
          + io.fedstream.schemas.Limits.quote(e.toString()));
    }
  }

  /** Handles one record; {@link #process} dead-letters it whatever this throws. */
  abstract void handle(Record<String, V> r);

  private void failed(Record<String, V> r, ErrorCode code, String reason) {
    Object v = r.value();
    deadLetter(r.withValue(v instanceof byte[] b ? b : null), code, reason);
  }

  /** Where the current record came from, {@code topic:partition:offset}. */
  String position() {
    return context().recordMetadata()
        .map(m -> m.topic() + ":" + m.partition() + ":" + m.offset()).orElse("punctuation");
  }

  String sourceTopic() {
    return context().recordMetadata().map(RecordMetadata::topic).orElse("");
  }

  void emit(Out.Route route, String key, byte[] value, long timestamp) {
    forward(route, key, value, new RecordHeaders(), timestamp);
  }

  void emitEnvelope(Out.Route route, String topic, String key, Envelope e, long timestamp) {
    byte[] bytes = settings.codec().encode(topic, e);
    forward(route, key, bytes, Envelopes.tag(new RecordHeaders(), e), timestamp);
  }

  /** Forwards wire bytes already encoded, with the contract's id and kind headers. */
  void emitWire(Out.Route route, String key, byte[] bytes, String messageId, String kind, long timestamp) {
    forward(route, key, bytes, Envelopes.tag(new RecordHeaders(), messageId, kind), timestamp);
  }

  /**
   * Forwards one output unless the broker would refuse it: a record over the topics' size limit
   * would fail the exactly-once transaction (and with it every other output of the task), so the
   * current input is dead-lettered instead, saying so.
   */
  private void forward(Out.Route route, String key, byte[] value, Headers headers, long timestamp) {
    long size = recordSize(key, value, headers);
    if (size > MAX_OUTPUT_BYTES && route != Out.Route.CHANNEL && route != Out.Route.CHANNEL_IN_PLACE
        && route != Out.Route.NODE) {
      refused = "the router's " + route.name().toLowerCase(java.util.Locale.ROOT) + " output for it would be "
          + size + " bytes, over the " + MAX_OUTPUT_BYTES + " a topic accepts";
      LOG.warn("not forwarding an output of {} bytes for {}: {}", size, position(), refused);
      return;
    }
    context().forward(new Record<>(key, new Out(route, value), timestamp, headers));
  }

  /** The largest record the router writes: the topics' limit less room for the batch framing. */
  static final int MAX_OUTPUT_BYTES = TopicSettings.MAX_MESSAGE_BYTES - 1024;

  /** Why an output of the current record was not forwarded, or null. */
  private String refused;

  static long recordSize(String key, byte[] value, Headers headers) {
    long n = (key == null ? 0 : key.length() * 3L) + (value == null ? 0 : value.length);
    for (Header h : headers) {
      n += h.key().length() * 3L + (h.value() == null ? 0 : h.value().length) + 10;
    }
    return n;
  }

  /** Sends the current record's original bytes to the dead-letter topic, reason in headers. */
  void deadLetter(Record<String, byte[]> record, ErrorCode code, String reason) {
    RecordMetadata m = context().recordMetadata().orElse(null);
    LOG.warn("dead-lettering {}: {} {}", position(), code, reason);
    RecordHeaders h = new RecordHeaders(record.headers().toArray());
    byte[] value = record.value();
    if (recordSize(record.key(), value, h) + 4096 > MAX_OUTPUT_BYTES) {
      // too large to copy: the dead letter names where the record is instead
      reason = reason + " (its " + value.length + "-byte value is left out: read it at " + position() + ")";
      value = null;
    }
    DeadLetter.headers(h, code, reason, m == null ? null : m.topic(), m == null ? -1 : m.partition(),
        m == null ? -1 : m.offset(), settings.instanceId());
    context().forward(new Record<>(record.key(), new Out(Out.Route.DLQ, value), record.timestamp(), h));
  }

  /**
   * A registry that cannot be reached says nothing about the record: fail the task (the thread
   * is replaced and the record retried from the last commit) instead of dead-lettering it.
   */
  static void rethrowIfRegistryDown(RuntimeException e) {
    if (e instanceof io.fedstream.schemas.wire.SchemaRegistryException) {
      throw e;
    }
  }

  static String reason(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + io.fedstream.schemas.Limits.quote(m));
  }
}
