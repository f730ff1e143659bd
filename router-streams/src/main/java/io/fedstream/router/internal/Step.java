package io.fedstream.router.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
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

  /** Where the current record came from, {@code topic:partition:offset}. */
  String position() {
    return context().recordMetadata()
        .map(m -> m.topic() + ":" + m.partition() + ":" + m.offset()).orElse("punctuation");
  }

  String sourceTopic() {
    return context().recordMetadata().map(RecordMetadata::topic).orElse("");
  }

  void emit(Out.Route route, String key, byte[] value, long timestamp) {
    context().forward(new Record<>(key, new Out(route, value), timestamp, new RecordHeaders()));
  }

  void emitEnvelope(Out.Route route, String topic, String key, Envelope e, long timestamp) {
    byte[] bytes = settings.codec().encode(topic, e);
    context().forward(new Record<>(key, new Out(route, bytes), timestamp,
        Envelopes.tag(new RecordHeaders(), e)));
  }

  /** Forwards wire bytes already encoded, with the contract's id and kind headers. */
  void emitWire(Out.Route route, String key, byte[] bytes, String messageId, String kind, long timestamp) {
    context().forward(new Record<>(key, new Out(route, bytes), timestamp,
        Envelopes.tag(new RecordHeaders(), messageId, kind)));
  }

  /** Sends the current record's original bytes to the dead-letter topic, reason in headers. */
  void deadLetter(Record<String, byte[]> record, ErrorCode code, String reason) {
    RecordMetadata m = context().recordMetadata().orElse(null);
    LOG.warn("dead-lettering {}: {} {}", position(), code, reason);
    RecordHeaders h = new RecordHeaders(record.headers().toArray());
    DeadLetter.headers(h, code, reason, m == null ? null : m.topic(), m == null ? -1 : m.partition(),
        m == null ? -1 : m.offset(), settings.instanceId());
    context().forward(new Record<>(record.key(), new Out(Out.Route.DLQ, record.value()),
        record.timestamp(), h));
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
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
