package io.fedstream.examples.connection;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedstream.connection.Connection;
import io.fedstream.node.Message;
import io.fedstream.node.Payload;
import java.util.ArrayList;
import java.util.List;

/**
 * The example's protobuf messages, in place of XAIN's generated {@code stream_pb2.ServerMessage}
 * and {@code ClientMessage}: a {@code google.protobuf.Struct} carried as the payload {@code proto}
 * with content type {@link Connection#PROTOBUF}.
 */
public final class Protos {

  /** The payload's name. */
  public static final String PAYLOAD = "proto";

  private Protos() {
  }

  /** A message of tag {@code tag} carrying {@code struct} as a protobuf payload. */
  public static Message wrap(String tag, Struct struct) {
    return Message.builder().tag(tag)
        .payload(Payload.ofBytes(PAYLOAD, Connection.PROTOBUF, struct.toByteArray())).build();
  }

  /**
   * The protobuf message a FedStream message carries.
   *
   * @throws IllegalArgumentException if it carries none or it does not parse
   */
  public static Struct unwrap(Message m) {
    Payload p = m.payload(PAYLOAD).orElseThrow(() -> new IllegalArgumentException("'" + m.tag()
        + "' carries no protobuf payload"));
    if (!Connection.PROTOBUF.equals(p.contentType())) {
      throw new IllegalArgumentException("payload '" + PAYLOAD + "' is " + p.contentType() + ", not protobuf");
    }
    try {
      return Struct.parseFrom(p.bytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("the protobuf payload of '" + m.tag() + "' does not parse: " + e.getMessage(), e);
    }
  }

  /** A numeric vector as a protobuf list. */
  public static Value vector(double[] v) {
    ListValue.Builder l = ListValue.newBuilder();
    for (double d : v) {
      l.addValues(Value.newBuilder().setNumberValue(d));
    }
    return Value.newBuilder().setListValue(l).build();
  }

  /** A protobuf list as a numeric vector. */
  public static double[] vector(Value v) {
    List<Double> out = new ArrayList<>();
    for (Value e : v.getListValue().getValuesList()) {
      out.add(e.getNumberValue());
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** A number as a protobuf value. */
  public static Value number(double d) {
    return Value.newBuilder().setNumberValue(d).build();
  }
}
