package io.fedstream.schemas;

/**
 * Names of the Kafka record headers in the topic contract. Values are UTF-8 strings.
 */
public final class RecordHeaders {

  /** W3C trace context, as in HTTP. */
  public static final String TRACEPARENT = "traceparent";
  /** W3C trace state, as in HTTP. */
  public static final String TRACESTATE = "tracestate";
  /** The envelope's message id, so tools can correlate without decoding. */
  public static final String MESSAGE_ID = "fedstream.message-id";
  /** The envelope's kind (MESSAGE, REQUEST, ...), so tools can filter without decoding. */
  public static final String KIND = "fedstream.kind";

  /** Dead-letter: the error code (see docs/errors.md), for example {@code DECODE}. */
  public static final String DLQ_CODE = "fedstream.dlq.code";
  /** Dead-letter: why the record was dead-lettered, in words. */
  public static final String DLQ_REASON = "fedstream.dlq.reason";
  /** Dead-letter: the topic the record came from. */
  public static final String DLQ_TOPIC = "fedstream.dlq.topic";
  /** Dead-letter: the partition the record came from. */
  public static final String DLQ_PARTITION = "fedstream.dlq.partition";
  /** Dead-letter: the offset the record had. */
  public static final String DLQ_OFFSET = "fedstream.dlq.offset";
  /** Dead-letter: the node id or router instance that dead-lettered it. */
  public static final String DLQ_BY = "fedstream.dlq.by";

  private RecordHeaders() {
  }
}
