package io.fedstream.examples.fedavg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The wire form of a model's parameters: the flat {@code float[]} as little-endian IEEE-754
 * float32 values, 4 bytes each, no header. The shape travels beside it in the message's args
 * ({@code model}, {@code shape}); see docs/demo.md, which a non-Java client follows.
 */
public final class Weights {

  /** The payload's content type. */
  public static final String CONTENT_TYPE = "application/vnd.fedstream.float32-le";

  private Weights() {
  }

  /**
   * Encodes parameters.
   *
   * @param params the parameters
   * @return {@code 4 * params.length} bytes
   */
  public static byte[] encode(float[] params) {
    ByteBuffer buffer = ByteBuffer.allocate(params.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(params);
    return buffer.array();
  }

  /**
   * Decodes parameters.
   *
   * @param bytes the payload
   * @param expected the number of floats the model has
   * @return the parameters
   * @throws IllegalArgumentException if the payload does not hold exactly {@code expected} floats
   */
  public static float[] decode(byte[] bytes, int expected) {
    if (bytes.length != (long) expected * Float.BYTES) {
      throw new IllegalArgumentException("weights payload has " + bytes.length + " bytes; the model needs "
          + expected + " float32 values (" + (long) expected * Float.BYTES + " bytes)");
    }
    float[] out = new float[expected];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
