package io.fedstream.router.internal;

import io.fedstream.avro.ErrorCode;
import io.fedstream.schemas.RecordHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/** Builds the dead-letter headers of the topic contract ({@code RecordHeaders.DLQ_*}). */
public final class DeadLetter {

  private DeadLetter() {
  }

  /**
   * Adds the DLQ headers to {@code headers} (replacing earlier DLQ headers, keeping the others).
   */
  public static Headers headers(Headers headers, ErrorCode code, String reason, String topic,
      int partition, long offset, String by) {
    put(headers, RecordHeaders.DLQ_CODE, code.name());
    put(headers, RecordHeaders.DLQ_REASON, reason == null ? "" : truncate(reason));
    put(headers, RecordHeaders.DLQ_TOPIC, topic == null ? "" : topic);
    put(headers, RecordHeaders.DLQ_PARTITION, Integer.toString(partition));
    put(headers, RecordHeaders.DLQ_OFFSET, Long.toString(offset));
    put(headers, RecordHeaders.DLQ_BY, by);
    return headers;
  }

  private static void put(Headers h, String k, String v) {
    h.remove(k);
    h.add(k, v.getBytes(StandardCharsets.UTF_8));
  }

  private static String truncate(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }
}
