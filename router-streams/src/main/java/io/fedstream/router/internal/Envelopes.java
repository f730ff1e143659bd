package io.fedstream.router.internal;

import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.ErrorInfo;
import io.fedstream.avro.Kind;
import io.fedstream.avro.SessionType;
import io.fedstream.schemas.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;

/** Envelopes the router creates, with deterministic ids so a replay produces the same ids. */
final class Envelopes {

  /** Separator inside composite store keys; cannot occur in names or ids typed by people. */
  static final char SEP = '\u0000';

  private Envelopes() {
  }

  static String id(String... parts) {
    return UUID.nameUUIDFromBytes(String.join("/", parts).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** A coded error for a rejected subscription or registration. */
  static Envelope rejection(String tag, String node, String id, String idName, String reason,
      long timestamp, String position, ErrorCode code) {
    Map<String, String> details = new HashMap<>();
    details.put(idName, id);
    return Envelope.newBuilder()
        .setMessageId(id("rejection", id, position))
        .setSessionId(id)
        .setSessionType(SessionType.NOTIFICATION)
        .setKind(Kind.REPLY)
        .setTag(tag)
        .setSource(RoutedRecords.ROUTER_SOURCE)
        .setDestination(node)
        .setCreatedAt(Instant.ofEpochMilli(timestamp))
        .setInReplyTo(id)
        .setArgs(new HashMap<>())
        .setPayloads(new ArrayList<>())
        .setError(ErrorInfo.newBuilder().setCode(code).setReason(bounded(reason))
            .setDetails(details).build())
        .setAttributes(new HashMap<>())
        .build();
  }

  /** A rejection's reason is at most 2,000 characters, whatever input it describes. */
  private static String bounded(String reason) {
    return reason == null || reason.length() <= 2000 ? reason
        : reason.substring(0, 2000) + "...(" + (reason.length() - 2000) + " more chars)";
  }

  /** Sets the id and kind headers of the contract on an outgoing record's headers. */
  static Headers tag(Headers h, Envelope e) {
    return tag(h, e.getMessageId(), e.getKind().name());
  }

  /** The same, from the message id and kind name alone. */
  static Headers tag(Headers h, String messageId, String kind) {
    h.remove(RecordHeaders.MESSAGE_ID);
    h.remove(RecordHeaders.KIND);
    h.add(RecordHeaders.MESSAGE_ID, messageId.getBytes(StandardCharsets.UTF_8));
    h.add(RecordHeaders.KIND, kind.getBytes(StandardCharsets.UTF_8));
    return h;
  }
}
