package io.fedstream.node.internal;

import io.fedstream.avro.ChunkDescriptor;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorInfo;
import io.fedstream.avro.Kind;
import io.fedstream.avro.TraceContext;
import io.fedstream.avro.Value;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.Payload;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where the SDK's {@link Message} meets the generated Avro {@link Envelope}, and
 * where envelopes meet the Confluent wire format.
 */
final class EnvelopeCodec {

  private final AvroWire<Envelope> wire;

  EnvelopeCodec(SchemaRegistryClient registry) {
    this.wire = AvroWire.of(Envelope.class, registry);
  }

  byte[] encode(String topic, Envelope e, int sizeHint) {
    return wire.encode(topic, e, sizeHint);
  }

  /** @throws io.fedstream.schemas.wire.WireFormatException on bad bytes */
  Envelope decode(String topic, byte[] bytes) {
    return wire.decode(topic, bytes);
  }

  /**
   * Encodes a CHUNK envelope (one payload) into an array of exactly its wire size, so that the
   * chunk's bytes are copied once, into that array, and the array is not copied again.
   */
  byte[] encodeChunk(String topic, Envelope chunk) {
    io.fedstream.avro.Payload p = chunk.getPayloads().get(0);
    ByteBuffer data = p.getData();
    int len = data.remaining();
    p.setData(NO_BYTES);
    int rest;
    try {
      rest = wire.encode(topic, chunk, 512).length - 1; // an empty bytes field is the one byte 0
    } finally {
      p.setData(data);
    }
    int exact = rest + varIntSize(len << 1) + len; // Avro writes a length as a zig-zag varint
    byte[] out = wire.encode(topic, chunk, exact);
    assert out.length == exact : "chunk encodes to " + out.length + " bytes, not " + exact;
    return out;
  }

  private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private static int varIntSize(int zigZag) {
    int n = 1;
    while ((zigZag & ~0x7F) != 0) {
      zigZag >>>= 7;
      n++;
    }
    return n;
  }

  /**
   * Decodes a record whose {@code fedstream.kind} header says CHUNK. A CHUNK envelope is decoded
   * into the previous one (so a chunk's bytes land in the same buffer each time, not in a new
   * array per chunk): the caller must be done with it before the next call. Anything that turns
   * out not to be a CHUNK is handed out and never reused. Poll thread only.
   *
   * @throws io.fedstream.schemas.wire.WireFormatException on bad bytes
   */
  Envelope decodeChunk(String topic, byte[] bytes) {
    Envelope e = wire.decode(topic, bytes, chunkReuse);
    chunkReuse = e != null && e.getKind() == Kind.CHUNK ? e : null;
    return e;
  }

  private Envelope chunkReuse;

  /** Registers the envelope schema for a topic now (so the first send does not pay for it). */
  void register(String topic) {
    wire.schemaId(topic);
  }

  /** An envelope of a message whose payloads are already in wire form. */
  static Envelope toEnvelope(Message m, List<io.fedstream.avro.Payload> payloads) {
    Map<String, Value> args = new LinkedHashMap<>();
    m.args().forEach((k, v) -> args.put(k, toValue(v)));
    // the all-fields constructor: a builder deep-copies the schema default of every unset field
    ErrorInfo error = m.error().map(err -> new ErrorInfo(io.fedstream.avro.ErrorCode.valueOf(err.code().name()),
        err.reason(), new LinkedHashMap<>(err.details()))).orElse(null);
    TraceContext trace = m.traceparent().map(tp -> new TraceContext(tp, null)).orElse(null);
    return new Envelope(m.id(), m.sessionId(), io.fedstream.avro.SessionType.valueOf(m.sessionType().name()),
        Kind.valueOf(m.kind().name()), m.tag(), m.source(), m.destination().orElse(null), m.createdAt(),
        m.deadline().orElse(null), m.inReplyTo().orElse(null), m.replyTo().orElse(null), args, payloads, error,
        null, trace, wireAttributes(m));
  }

  /** The attributes as they travel: the message's, plus the call marker. */
  private static Map<String, String> wireAttributes(Message m) {
    Map<String, String> out = new LinkedHashMap<>(m.attributes());
    if (Wire.isCall(m)) {
      out.put(Wire.CALL_ATTRIBUTE, "1");
    }
    return out;
  }

  /** An inline wire payload as the public type (bytes, or an Avro-typed blob). */
  static Payload inlinePayload(io.fedstream.avro.Payload p) {
    byte[] data = Reassembler.bytes(p.getData());
    return p.getSchemaId() != null ? Payload.ofAvro(p.getName(), p.getSchemaId(), data).withContentType(p.getContentType())
        : Payload.ofBytes(p.getName(), p.getContentType(), data);
  }

  /** A CHUNK envelope carrying one slice of a large payload. */
  static Envelope chunk(Message parent, String transferId, String payloadName, int index, int count, long offset,
      long totalSize, byte[] sha256, ByteBuffer data) {
    return Envelope.newBuilder()
        .setMessageId(transferId + "/" + index)
        .setSessionId(parent.sessionId())
        .setSessionType(io.fedstream.avro.SessionType.valueOf(parent.sessionType().name()))
        .setKind(Kind.CHUNK)
        .setTag(parent.tag())
        .setSource(parent.source())
        .setDestination(parent.destination().orElse(null))
        .setCreatedAt(parent.createdAt())
        .setPayloads(List.of(io.fedstream.avro.Payload.newBuilder().setName(payloadName).setData(data).build()))
        .setChunk(ChunkDescriptor.newBuilder().setTransferId(transferId).setPayloadName(payloadName)
            .setIndex(index).setCount(count).setOffset(offset).setTotalSize(totalSize)
            .setSha256(ByteBuffer.wrap(sha256)).build())
        .build();
  }

  /** The message of an envelope, with its payloads already resolved (chunked ones reassembled). */
  static Message toMessage(Envelope e, List<Payload> payloads, Message.Error overrideError) {
    Message.Builder b = Message.builder()
        .id(e.getMessageId())
        .sessionId(e.getSessionId())
        .sessionType(Message.SessionType.valueOf(e.getSessionType().name()))
        .tag(e.getTag())
        .to(e.getDestination())
        .deadline(e.getDeadline())
        .replyTo(e.getReplyTo());
    Wire.kind(b, e.getKind() == Kind.CHUNK ? Message.Kind.MESSAGE : Message.Kind.valueOf(e.getKind().name()));
    Wire.source(b, e.getSource());
    Wire.createdAt(b, e.getCreatedAt());
    Wire.inReplyTo(b, e.getInReplyTo());
    for (Map.Entry<String, Value> a : e.getArgs().entrySet()) {
      // fromValue makes the one copy, already in the builder's form: arg() would copy it again
      Wire.decodedArg(b, a.getKey(), fromValue(a.getValue()));
    }
    for (Payload p : payloads) {
      b.payload(p);
    }
    e.getAttributes().forEach((k, v) -> {
      if (Wire.CALL_ATTRIBUTE.equals(k)) {
        Wire.call(b, true);
      } else {
        Wire.attribute(b, k, v);
      }
    });
    if (overrideError != null) {
      b.error(overrideError);
    } else if (e.getError() != null) {
      ErrorInfo err = e.getError();
      b.error(new Message.Error(errorCode(err.getCode()), err.getReason(), err.getDetails()));
    }
    if (e.getTrace() != null) {
      b.traceparent(e.getTrace().getTraceparent());
    }
    return b.build();
  }

  static ErrorCode errorCode(io.fedstream.avro.ErrorCode c) {
    try {
      return ErrorCode.valueOf(c.name());
    } catch (IllegalArgumentException e) {
      return ErrorCode.UNKNOWN;
    }
  }

  static Value toValue(Object v) {
    Object out;
    if (v instanceof byte[]) {
      out = ByteBuffer.wrap((byte[]) v);
    } else if (v instanceof List) {
      List<Value> l = new ArrayList<>();
      for (Object o : (List<?>) v) {
        l.add(toValue(o));
      }
      out = l;
    } else if (v instanceof Map) {
      Map<String, Value> m = new LinkedHashMap<>();
      for (Map.Entry<?, ?> en : ((Map<?, ?>) v).entrySet()) {
        m.put((String) en.getKey(), toValue(en.getValue()));
      }
      out = m;
    } else {
      out = v;
    }
    return Value.newBuilder().setV(out).build();
  }

  /**
   * An Avro value as an arg, in {@link Message.Builder}'s form: a fresh {@code byte[]}, strings,
   * and unmodifiable lists and maps that share nothing with the Avro tree.
   */
  static Object fromValue(Value value) {
    Object v = value == null ? null : value.getV();
    if (v instanceof ByteBuffer) {
      ByteBuffer bb = ((ByteBuffer) v).duplicate();
      byte[] a = new byte[bb.remaining()];
      bb.get(a);
      return a;
    }
    if (v instanceof List) {
      List<Object> l = new ArrayList<>();
      for (Object o : (List<?>) v) {
        l.add(fromValue((Value) o));
      }
      return Collections.unmodifiableList(l);
    }
    if (v instanceof Map) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<?, ?> en : ((Map<?, ?>) v).entrySet()) {
        m.put(en.getKey().toString(), fromValue((Value) en.getValue()));
      }
      return Collections.unmodifiableMap(m);
    }
    if (v instanceof CharSequence) {
      return v.toString();
    }
    return v;
  }
}
