package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Payload;
import io.fedstream.schemas.TopicSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The shape of the records the {@link Outbox} and {@link ChunkWriter} write: an envelope's
 * headers, a record's size as the producer measures it, an inline Avro payload, a dead letter.
 */
final class Records {

  private Records() {
  }

  /** A payload carried inside its envelope (not chunked), with these bytes. */
  static io.fedstream.avro.Payload inline(Payload p, byte[] data) {
    // the all-fields constructor: a builder deep-copies the schema default of every unset field
    return new io.fedstream.avro.Payload(p.name(), p.contentType(),
        p.schemaId().isPresent() ? p.schemaId().getAsInt() : null, ByteBuffer.wrap(data), null);
  }

  /** A record's size as the producer measures it against {@code max.request.size}. */
  static int recordSize(String key, byte[] value, Headers headers) {
    return org.apache.kafka.common.record.AbstractRecords.estimateSizeInBytesUpperBound(
        org.apache.kafka.common.record.RecordBatch.CURRENT_MAGIC_VALUE,
        org.apache.kafka.common.compress.Compression.NONE.type(),
        key == null ? null : java.nio.ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)),
        value == null ? null : java.nio.ByteBuffer.wrap(value), headers.toArray());
  }

  /** The headers of an envelope or chunk record: trace, message id, kind. */
  static Headers headers(String messageId, String kind, String traceparent) {
    Headers h = new RecordHeaders();
    if (traceparent != null) {
      h.add(io.fedstream.schemas.RecordHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
    }
    h.add(io.fedstream.schemas.RecordHeaders.MESSAGE_ID, messageId.getBytes(StandardCharsets.UTF_8));
    h.add(io.fedstream.schemas.RecordHeaders.KIND, kind.getBytes(StandardCharsets.UTF_8));
    return h;
  }

  /**
   * The dead letter of a record the host cannot take: its key and value unchanged (the value left
   * out, and its size named, when it would not fit beside the headers), its headers, and the
   * dead-letter headers with the code, the reason, where it was and who dead-lettered it.
   */
  static ProducerRecord<String, byte[]> deadLetter(String topic, ConsumerRecord<String, byte[]> r, ErrorCode code,
      String reason, String by) {
    Headers h = new RecordHeaders(r.headers().toArray());
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_CODE, code.name().getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_TOPIC, r.topic().getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_PARTITION,
        Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_OFFSET,
        Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8)));
    h.add(new RecordHeader(io.fedstream.schemas.RecordHeaders.DLQ_BY, by.getBytes(StandardCharsets.UTF_8)));
    byte[] value = r.value();
    if (value != null && value.length > TopicSettings.MAX_MESSAGE_BYTES - 64 * 1024) {
      // too large to copy with the dead-letter headers: the position in the headers names it
      h.add(new RecordHeader("fedstream.dlq.value-left-out", Integer.toString(value.length).getBytes(StandardCharsets.UTF_8)));
      value = null;
    }
    return new ProducerRecord<>(topic, null, r.key(), value, h);
  }
}
