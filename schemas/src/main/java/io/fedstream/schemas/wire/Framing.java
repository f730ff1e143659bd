package io.fedstream.schemas.wire;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Confluent framing of a value, defined once for the SDK and the router: byte 0 is the magic
 * byte {@link #MAGIC}, bytes 1–4 the big-endian schema id, then the Avro binary body.
 * {@link AvroWire} writes and checks it; a router trigger's gathered envelopes travel unframed
 * (schema id and body apart) and are framed again with {@link #frame}.
 */
public final class Framing {

  /** The magic byte that starts every framed value. */
  public static final byte MAGIC = 0;

  /** The length of the header: the magic byte and the 4-byte schema id. */
  public static final int HEADER_SIZE = 5;

  private Framing() {
  }

  /**
   * The header of a value written with a schema id.
   *
   * @param schemaId the registry's id of the writer's schema
   * @return a new 5-byte array: the magic byte and the big-endian id
   */
  public static byte[] header(int schemaId) {
    return new byte[] {MAGIC, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8),
        (byte) schemaId};
  }

  /**
   * Frames an Avro body.
   *
   * @param schemaId the registry's id of the schema the body was written with
   * @param body the Avro binary body; never null
   * @return a new array: the header, then the body
   */
  public static byte[] frame(int schemaId, byte[] body) {
    return frame(schemaId, ByteBuffer.wrap(Objects.requireNonNull(body, "body")));
  }

  /**
   * Frames an Avro body held in a buffer; the buffer's position is left as it was.
   *
   * @param schemaId the registry's id of the schema the body was written with
   * @param body the Avro binary body, from its position to its limit; never null
   * @return a new array: the header, then the body
   */
  public static byte[] frame(int schemaId, ByteBuffer body) {
    ByteBuffer data = body.duplicate();
    return ByteBuffer.allocate(HEADER_SIZE + data.remaining()).put(header(schemaId)).put(data).array();
  }

  /**
   * Whether bytes start with a header: at least {@link #HEADER_SIZE} bytes, the first the magic byte.
   *
   * @param bytes a record value, may be null (then false)
   * @return true if the bytes are framed
   */
  public static boolean isFramed(byte[] bytes) {
    return bytes != null && bytes.length >= HEADER_SIZE && bytes[0] == MAGIC;
  }

  /**
   * The schema id of a framed value. The magic byte is not checked here: see {@link #isFramed}.
   *
   * @param framed a value of at least {@link #HEADER_SIZE} bytes
   * @return the big-endian id in bytes 1–4
   * @throws IllegalArgumentException if the value is shorter than the header
   */
  public static int schemaId(byte[] framed) {
    if (framed == null || framed.length < HEADER_SIZE) {
      throw new IllegalArgumentException("a framed value has at least " + HEADER_SIZE + " bytes");
    }
    return ByteBuffer.wrap(framed, 1, 4).getInt();
  }

  /**
   * The body of a framed value, without a copy.
   *
   * @param framed a value of at least {@link #HEADER_SIZE} bytes
   * @return a buffer over the bytes after the header
   * @throws IllegalArgumentException if the value is shorter than the header
   */
  public static ByteBuffer body(byte[] framed) {
    if (framed == null || framed.length < HEADER_SIZE) {
      throw new IllegalArgumentException("a framed value has at least " + HEADER_SIZE + " bytes");
    }
    return ByteBuffer.wrap(framed, HEADER_SIZE, framed.length - HEADER_SIZE).slice();
  }
}
