package io.fedstream.node.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Transfer;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.schemas.wire.SchemaRegistryException;
import io.fedstream.schemas.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes each record the poller reads: heartbeats to the presence table; envelopes decoded
 * (chunks to the {@link Reassembler}), deduplicated, run through the node's inbound interceptors,
 * replies to their waiting calls, late ones dropped, the rest handed to the node's {@link Inbox};
 * what does not decode is dead-lettered. Poll thread only.
 */
final class Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final HostContext ctx;
  private final Offsets offsets;
  private final Outbox outbox;

  Dispatcher(HostContext ctx, Offsets offsets, Outbox outbox) {
    this.ctx = ctx;
    this.offsets = offsets;
    this.outbox = outbox;
  }

  /** Handles one record; false when it must be read again later (the registry is unreachable). */
  boolean handle(TopicPartition tp, ConsumerRecord<String, byte[]> r, long now) {
  /** Handles one record; false when it must be read again later (the registry is unreachable). */
    String topic = r.topic();
    if (ctx.layout.isPresence(topic)) {
      try {
        if (ctx.sitePresence != null) {
          ctx.sitePresence.onRecord(topic, r.key(), r.value(), ctx.presence, now);
        } else {
          ctx.presence.onHeartbeat(r.key(), ctx.heartbeats.decode(topic, r.value()), now);
        }
      } catch (WireFormatException e) {
        deadLetter(r, e);
      } catch (SchemaRegistryException e) {
        LOG.warn("host {}: registry unavailable reading presence: {}", ctx.hostId, e.getMessage());
        return false;
      }
      return true;
    }
    boolean mailbox = ctx.layout.isMail(topic);
    Collection<Inbox> targets;
    if (mailbox) {
      // A record without a key is nobody's: only the host of its destination dead-letters it (below).
      Inbox n = r.key() == null ? null : ctx.inboxes.get(r.key());
      if (n == null && r.key() != null) {
        offsets.skip(tp, r.offset());
        return true;
      }
      targets = n == null ? List.of() : List.of(n);
    } else {
      String group = ctx.groupOf(topic);
      Set<Inbox> members = group == null ? null : ctx.groupMembers.get(group);
      if (members == null || members.isEmpty()) {
        offsets.skip(tp, r.offset());
        return true;
      }
      targets = members;
    }
    if (r.value() == null) {
      if (!targets.isEmpty()) {
        poison(tp, r, ErrorCode.DECODE, "TOMBSTONE: a record without a value (a tombstone) on " + topic
            + ", which carries messages only");
      } else {
        offsets.skip(tp, r.offset());
      }
      return true;
    }
    Envelope e;
    try {
      e = isChunk(r) ? ctx.codec.decodeChunk(topic, r.value()) : ctx.codec.decode(topic, r.value());
    } catch (WireFormatException ex) {
      deadLetter(r, ex);
      offsets.skip(tp, r.offset());
      return true;
    } catch (SchemaRegistryException ex) {
      LOG.warn("host {}: registry unavailable, will read {} again: {}", ctx.hostId, tp, ex.getMessage());
      return false;
    } catch (RuntimeException | StackOverflowError ex) {
      deadLetter(r, ex);
      offsets.skip(tp, r.offset());
      return true;
    }
    if (e.getKind() != Kind.CHUNK) {
      String lie = lie(r, e, mailbox);
      if (lie != null) {
        if (mailbox && targets.isEmpty() && !ctx.inboxes.containsKey(String.valueOf(e.getDestination()))) {
          offsets.skip(tp, r.offset()); // keyless and for a node of another host: that host's to tell
        } else {
          poison(tp, r, ErrorCode.REJECTED, lie);
        }
        return true;
      }
    }
    ctx.metrics.received(r.serializedValueSize());
    if (e.getKind() == Kind.CHUNK) {
      ctx.reassembler.chunk(topic, e, offsets.open(tp, r.offset(), false), now);
      return true;
    }
    Offsets.Token token = offsets.open(tp, r.offset(), true);
    Message m = toMessage(topic, e, token);
    List<Inbox> to = new ArrayList<>();
    for (Inbox n : targets) {
      if (!n.id.equals(e.getSource()) || mailbox) {
        to.add(n);
      }
    }
    if (to.isEmpty()) {
      token.done();
      return true;
    }
    for (int i = 1; i < to.size(); i++) {
      token.retain();
    }
    for (Inbox n : to) {
      dispatch(n, m, token, now, r);
    }
    return true;
  }

  /**
   * Dead-letters a mailbox record that is not on its key's partition (a producer that does not
   * partition by Kafka's murmur2, such as librdkafka's default): its destination's host reads
   * another partition, so it would never be delivered, nor noticed.
   */
  void misplaced(TopicPartition tp, ConsumerRecord<String, byte[]> r, int expected) {
    poison(tp, r, ErrorCode.REJECTED, "WRONG_PARTITION: key '" + io.fedstream.schemas.Limits.quote(r.key())
        + "' is on partition " + r.partition() + " of " + r.topic() + ", but murmur2 of the key names partition "
        + expected + "; producers must partition by Kafka's murmur2 (librdkafka: partitioner=murmur2_random)");
  }

  private static boolean isChunk(ConsumerRecord<String, byte[]> r) {
    org.apache.kafka.common.header.Header h = r.headers().lastHeader(io.fedstream.schemas.RecordHeaders.KIND);
    return h != null && java.util.Arrays.equals(CHUNK_KIND, h.value());
  }

  private static final byte[] CHUNK_KIND = Kind.CHUNK.name().getBytes(StandardCharsets.UTF_8);

  private Message toMessage(String topic, Envelope e, Offsets.Token token) {
    List<Payload> payloads = new ArrayList<>();
    Message.Error error = null;
    for (io.fedstream.avro.Payload p : e.getPayloads()) {
      Transfer t = p.getTransfer();
      if (t != null) {
        Reassembler.Result res = ctx.reassembler.complete(topic, p.getName(), t);
        token.adopt(res.tokens);
        if (res.error != null) {
          error = new Message.Error(ErrorCode.CORRUPT_PAYLOAD, res.error, Map.of("payload", p.getName()));
          ctx.metrics.corrupt.increment();
        } else {
          payloads.add(Payload.ofFile(p.getName(), res.file).withContentType(p.getContentType()));
        }
      } else {
        payloads.add(EnvelopeCodec.inlinePayload(p));
      }
    }
    return EnvelopeCodec.toMessage(e, payloads, error);
  }

  private void dispatch(Inbox n, Message received, Offsets.Token token, long now, ConsumerRecord<String, byte[]> r) {
    String key = n.id + '|' + received.id();
    if (!ctx.seen.firstTime(key)) {
      ctx.metrics.duplicates.increment();
      token.done();
      return;
    }
    Message m;
    try {
      m = n.interceptors.inbound(n.id, r.topic(), received);
    } catch (NodeException ex) {
      new Delivery(received, token, key, ctx.seen).processed();
      interceptorFailed(n, received, ex, r);
      return;
    }
    Delivery d = new Delivery(m, token, key, ctx.seen);
    if (m.kind() == Message.Kind.REPLY && m.inReplyTo().isPresent()) {
      if (ctx.calls.deliver(m)) {
        d.processed();
        return;
      }
      if (Wire.isCall(m) || late(m, now)) {
        LOG.info("node {}: late reply {} to request {} from {} dropped (the caller gave up)", n.id, m.id(),
            m.inReplyTo().get(), m.source());
        ctx.metrics.lateReplies.increment();
        d.processed();
        return;
      }
    }
    if (m.kind() == Message.Kind.REQUEST && late(m, now)) {
      LOG.info("node {}: request {} '{}' from {} arrived after its deadline; dropped", n.id, m.id(), m.tag(), m.source());
      ctx.metrics.lateRequests.increment();
      d.processed();
      return;
    }
    n.offer(d);
  }

  private static boolean late(Message m, long now) {
    return m.deadline().map(dl -> dl.toEpochMilli() < now).orElse(false);
  }

  /**
   * An inbound interceptor failed on a message: a request gets an error reply, a reply completes
   * its call with the error, anything else is dead-lettered. Nothing else is affected.
   */
  private void interceptorFailed(Inbox n, Message m, NodeException ex, ConsumerRecord<String, byte[]> r) {
    LOG.warn("node {}: inbound interceptor failed on {} '{}' from {}: {}", n.id, m.id(), m.tag(), m.source(),
        ex.getMessage());
    ctx.metrics.interceptorFailures.increment();
    if (m.kind() == Message.Kind.REQUEST && (m.replyTo().isPresent() || m.source() != null)) {
      n.node.replyError(m, ex.errorCode(), ex.reason(), false)
          .subscribe(null, e -> LOG.warn("node {}: cannot reply to {}: {}", n.id, m.id(), e.toString()));
      return;
    }
    if (m.kind() == Message.Kind.REPLY && m.inReplyTo().isPresent()
        && ctx.calls.deliver(m.toBuilder().clearArgs().clearPayloads().error(ex.errorCode(), ex.reason()).build())) {
      return;
    }
    outbox.deadLetter(r, ex.errorCode(), ex.reason());
  }

  private void deadLetter(ConsumerRecord<String, byte[]> r, Throwable why) {
    String problem = why instanceof WireFormatException ? ((WireFormatException) why).problem().name()
        : why instanceof StackOverflowError ? "TOO_DEEP" : "GARBAGE";
    outbox.deadLetter(r, ErrorCode.DECODE, problem + ": " + io.fedstream.schemas.Limits.quote(String.valueOf(
        why.getMessage() == null ? why.toString() : why.getMessage())));
  }

  /**
   * What is wrong with an envelope that decodes but lies about itself, or null: no source, or
   * (mailbox) a key other than its destination. Such a record would be delivered to the wrong
   * node, or skipped without a word.
   */
  private static String lie(ConsumerRecord<String, byte[]> r, Envelope e, boolean mailbox) {
    if (e.getSource() == null || e.getSource().isEmpty()) {
      return "EMPTY_SOURCE: message " + io.fedstream.schemas.Limits.quote(e.getMessageId())
          + " names no source node";
    }
    if (mailbox && r.key() == null) {
      return "NULL_KEY: message " + io.fedstream.schemas.Limits.quote(e.getMessageId())
          + " has no record key; the mailbox is keyed by the destination node";
    }
    if (mailbox && !r.key().equals(e.getDestination())) {
      return "WRONG_KEY: record key '" + io.fedstream.schemas.Limits.quote(r.key()) + "' differs from the"
          + " destination '" + io.fedstream.schemas.Limits.quote(String.valueOf(e.getDestination())) + "'";
    }
    return null;
  }

  /**
   * Dead-letters a record that can never be handled, with its reason, and moves past it. Also what
   * the poller calls when handling a record threw, whatever it threw: one record never stops the
   * host.
   */
  void poison(TopicPartition tp, ConsumerRecord<String, byte[]> r, ErrorCode code, String reason) {
    outbox.deadLetter(r, code, reason);
    offsets.skip(tp, r.offset());
  }
}
