package io.fedstream.router.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Value;
import io.fedstream.schemas.wire.Framing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Builds a mailbox delivery from an event's wire bytes without decoding and re-encoding the
 * envelope: the delivery is the event's body with {@code destination} replaced and the router's
 * attributes added, behind the mailbox's wire header. Only the {@code args} are decoded (for
 * matching).
 *
 * <p>This is exact only when the event was written with the very schema this router encodes with
 * (same parsing canonical form, so the same binary layout): {@link #sameLayout}. Events written
 * with another (compatible) schema version take the decode-and-encode path instead.
 */
final class EnvelopeSplice {

  private static final long COMPILED = SchemaNormalization.parsingFingerprint64(Envelope.getClassSchema());
  private static final Schema ARGS = Envelope.getClassSchema().getField("args").schema();
  private static final Schema ATTRIBUTES = Envelope.getClassSchema().getField("attributes").schema();
  // Datum readers are thread-safe; decoders are not, hence one per thread.
  private static final SpecificDatumReader<Map<String, Value>> ARGS_READER = new SpecificDatumReader<>(ARGS);
  private static final SpecificDatumReader<Map<String, String>> ATTRIBUTES_READER =
      new SpecificDatumReader<>(ATTRIBUTES);
  private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

  private EnvelopeSplice() {
  }

  /** Whether bytes written with {@code writer} have exactly the layout of this router's Envelope. */
  static boolean sameLayout(Schema writer) {
    return writer == Envelope.getClassSchema()
        || SchemaNormalization.parsingFingerprint64(writer) == COMPILED;
  }

  /** Decodes the {@code args} map of a scanned envelope of the same layout. */
  static Map<String, Value> args(byte[] wire, EnvelopeScan.Head h) {
    return read(wire, h.argsStart(), h.argsEnd(), ARGS_READER);
  }

  /** Decodes the {@code attributes} map of a scanned envelope of the same layout. */
  static Map<String, String> attributes(byte[] wire, EnvelopeScan.Head h) {
    return read(wire, h.attributesStart(), h.attributesEnd(), ATTRIBUTES_READER);
  }

  /** Whether the envelope's attribute map is empty (one zero byte: no block). */
  static boolean noAttributes(byte[] wire, EnvelopeScan.Head h) {
    return h.attributesEnd() - h.attributesStart() == 1 && wire[h.attributesStart()] == 0;
  }

  private static <T> T read(byte[] wire, int from, int to, SpecificDatumReader<T> reader) {
    BinaryDecoder d = DecoderFactory.get().binaryDecoder(wire, from, to - from, DECODERS.get());
    DECODERS.set(d);
    try {
      T value = reader.read(null, d);
      if (!d.isEnd()) {
        throw new IllegalArgumentException("bytes left after the field");
      }
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The wire bytes of one delivery.
   *
   * @param header the mailbox's 5-byte wire header for this router's Envelope schema
   * @param wire the event's wire bytes (5-byte header, then the body), of the same layout
   * @param h the scan of {@code wire}
   * @param destination the subscriber
   * @param attributes the delivery's whole attribute map (the event's, with the router's added)
   */
  static byte[] delivery(byte[] header, byte[] wire, EnvelopeScan.Head h, String destination,
      Map<String, String> attributes) {
    byte[] dest = destination.getBytes(StandardCharsets.UTF_8);
    byte[][] keys = new byte[attributes.size()][];
    byte[][] values = new byte[attributes.size()][];
    int attrBytes = (attributes.isEmpty() ? 0 : varLen(attributes.size())) + 1; // blocks, then 0
    int i = 0;
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      keys[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
      values[i] = e.getValue().getBytes(StandardCharsets.UTF_8);
      attrBytes += varLen(keys[i].length) + keys[i].length + varLen(values[i].length) + values[i].length;
      i++;
    }
    int bodyStart = Framing.HEADER_SIZE;
    int size = header.length + (h.destinationStart() - bodyStart) + varLen(1) + varLen(dest.length)
        + dest.length + (h.attributesStart() - h.destinationEnd()) + attrBytes;
    byte[] out = new byte[size];
    int p = 0;
    System.arraycopy(header, 0, out, p, header.length);
    p += header.length;
    System.arraycopy(wire, bodyStart, out, p, h.destinationStart() - bodyStart);
    p += h.destinationStart() - bodyStart;
    p = varLong(out, p, 1); // union branch 1: string
    p = varLong(out, p, dest.length);
    System.arraycopy(dest, 0, out, p, dest.length);
    p += dest.length;
    System.arraycopy(wire, h.destinationEnd(), out, p, h.attributesStart() - h.destinationEnd());
    p += h.attributesStart() - h.destinationEnd();
    if (keys.length > 0) {
      p = varLong(out, p, keys.length);
      for (int k = 0; k < keys.length; k++) {
        p = varLong(out, p, keys[k].length);
        System.arraycopy(keys[k], 0, out, p, keys[k].length);
        p += keys[k].length;
        p = varLong(out, p, values[k].length);
        System.arraycopy(values[k], 0, out, p, values[k].length);
        p += values[k].length;
      }
    }
    out[p++] = 0;
    if (p != out.length) {
      throw new IllegalStateException("spliced " + p + " of " + out.length + " bytes");
    }
    // The remainder of the body after attributes: none, attributes is the last field.
    return out;
  }

  private static int varLen(long v) {
    long z = (v << 1) ^ (v >> 63);
    int n = 1;
    while ((z & ~0x7FL) != 0) {
      n++;
      z >>>= 7;
    }
    return n;
  }

  private static int varLong(byte[] out, int p, long v) {
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      out[p++] = (byte) ((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    out[p++] = (byte) z;
    return p;
  }
}
