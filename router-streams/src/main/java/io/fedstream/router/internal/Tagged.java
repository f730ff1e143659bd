package io.fedstream.router.internal;

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

  static byte[] wire(String label, byte[] wire) {
    byte[] l = label.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 4 + l.length + wire.length).put(WIRE_EVENT).putInt(l.length).put(l)
        .put(wire).array();
  }

  /** The bytes after the label: the wire bytes of a {@link #WIRE_EVENT}. */
  static byte[] rest(byte[] v) {
    int len = ByteBuffer.wrap(v, 1, 4).getInt();
    return java.util.Arrays.copyOfRange(v, 5 + len, v.length);
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
