package io.fedstream.router.internal;

import io.fedstream.schemas.wire.Framing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;

/**
 * Values of the router's internal re-keyed topics: one tag byte, then either a UTF-8 id
 * ({@link #REMOVE}) or a length-prefixed UTF-8 label followed by a plain Avro record
 * ({@link #UPSERT}, {@link #EVENT}) or by an event's original wire bytes ({@link #WIRE_EVENT}).
 */
final class Tagged {

  static final byte UPSERT = 'U';
  static final byte REMOVE = 'R';
  /** An event as plain Avro: written by earlier versions, still read. */
  static final byte EVENT = 'E';
  /** An event as it was read from its event topic: wire header and body, untouched. */
  static final byte WIRE_EVENT = 'W';

  private Tagged() {
  }

  static byte[] record(byte tag, String label, SpecificRecord r) {
    byte[] l = label.getBytes(StandardCharsets.UTF_8);
    byte[] body = Binary.write(r);
    return ByteBuffer.allocate(1 + 4 + l.length + body.length).put(tag).putInt(l.length).put(l)
        .put(body).array();
  }

  /**
   * An event's wire bytes behind its label, then the positions of its scan when the splice
   * applies to it ({@code head} non-null), so the channel router need not scan it again:
   * {@code W, label length, label, wire length, wire, [destination, args, attributes start/end]}.
   */
  static byte[] wire(String label, byte[] wire, EnvelopeScan.Head head) {
    byte[] l = label.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + l.length + 4 + wire.length + (head == null ? 0 : 6 * 4))
        .put(WIRE_EVENT).putInt(l.length).put(l).putInt(wire.length).put(wire);
    if (head != null) {
      b.putInt(head.destinationStart()).putInt(head.destinationEnd()).putInt(head.argsStart())
          .putInt(head.argsEnd()).putInt(head.attributesStart()).putInt(head.attributesEnd());
    }
    return b.array();
  }

  /** A {@link #WIRE_EVENT}: the wire bytes, and the scan's positions if it carries them (else null). */
  record WireEvent(byte[] wire, EnvelopeScan.Head head) {
  }

  static WireEvent wireEvent(byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    b.position(1);
    b.position(5 + b.getInt());
    byte[] wire = new byte[b.getInt()];
    b.get(wire);
    if (!b.hasRemaining()) {
      return new WireEvent(wire, null);
    }
    return new WireEvent(wire, new EnvelopeScan.Head(EnvelopeScan.firstString(wire, Framing.HEADER_SIZE), "EVENT", null,
        null, b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt()));
  }

  static byte[] remove(String id) {
    byte[] b = id.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + b.length).put(REMOVE).put(b).array();
  }

  static byte tag(byte[] v) {
    return v[0];
  }

  static String removedId(byte[] v) {
    return new String(v, 1, v.length - 1, StandardCharsets.UTF_8);
  }

  static String label(byte[] v) {
    int len = ByteBuffer.wrap(v, 1, 4).getInt();
    return new String(v, 5, len, StandardCharsets.UTF_8);
  }

  static <T extends SpecificRecord> T body(byte[] v, Class<T> type) {
    int len = ByteBuffer.wrap(v, 1, 4).getInt();
    return Binary.read(v, 5 + len, type);
  }
}
