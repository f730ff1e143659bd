package io.fedstream.federation;

import io.fedstream.node.Message;
import io.fedstream.node.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a body travels: a map's JSON-like entries as args and its binary entries (byte[], float[],
 * double[], Payload) as payloads named by their keys; any other body as the single entry {@code
 * body}. The attribute {@value #SHAPE} says which, so that the receiver gives back what was sent.
 */
final class Bodies {

  /** Attribute: {@code map}, {@code value} or {@code none}. */
  static final String SHAPE = "federation.body";
  /** Attribute: the run a message belongs to; messages of other runs are dropped. */
  static final String RUN = "federation.run";
  /** Content type of a {@code float[]}: little-endian IEEE 754 binary32. */
  static final String FLOAT32 = "application/vnd.fedstream.float32-le";
  /** Content type of a {@code double[]}: little-endian IEEE 754 binary64. */
  static final String FLOAT64 = "application/vnd.fedstream.float64-le";
  private static final String VALUE_KEY = "body";

  private Bodies() {
  }

  /** Adds the body to the builder; names the key of a value that cannot travel. */
  static Message.Builder encode(Message.Builder b, Object body) {
    if (body == null) {
      return b.attribute(SHAPE, "none");
    }
    if (body instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new FederationException(FederationException.BAD_ARGUMENTS, "a body map key is not a String: " + e.getKey());
        }
        put(b, key, e.getValue());
      }
      return b.attribute(SHAPE, "map");
    }
    put(b, VALUE_KEY, body);
    return b.attribute(SHAPE, "value");
  }

  /** True when a value can travel to another process: JSON-like, or binary. */
  static boolean serialisable(Object v) {
    if (v == null || v instanceof Boolean || v instanceof Number && !(v instanceof java.math.BigDecimal)
        && !(v instanceof java.math.BigInteger) || v instanceof String || isBinary(v)) {
      return true;
    }
    if (v instanceof java.util.List<?> l) {
      return l.stream().allMatch(Bodies::serialisable) && l.stream().noneMatch(Bodies::isBinaryNotBytes);
    }
    if (v instanceof Map<?, ?> m) {
      return m.keySet().stream().allMatch(k -> k instanceof String)
          && m.values().stream().allMatch(x -> serialisable(x) && !isBinaryNotBytes(x));
    }
    return false;
  }

  private static boolean isBinary(Object v) {
    return v instanceof byte[] || v instanceof float[] || v instanceof double[] || v instanceof Payload;
  }

  private static boolean isBinaryNotBytes(Object v) {
    return v instanceof float[] || v instanceof double[] || v instanceof Payload;
  }

  private static void put(Message.Builder b, String key, Object v) {
    if (v instanceof byte[] bytes) {
      b.payload(Payload.ofBytes(key, bytes));
    } else if (v instanceof float[] floats) {
      b.payload(Payload.ofStream(key, 4L * floats.length, () -> new FloatsStream(floats)).withContentType(FLOAT32));
    } else if (v instanceof double[] doubles) {
      b.payload(Payload.ofStream(key, 8L * doubles.length, () -> new DoublesStream(doubles)).withContentType(FLOAT64));
    } else if (v instanceof Payload p) {
      b.payload(p.name().equals(key) ? p : Payload.ofStream(key, p.size(), p::openStream).withContentType(p.contentType()));
    } else {
      try {
        b.arg(key, v);
      } catch (IllegalArgumentException e) {
        throw new FederationException(FederationException.BAD_ARGUMENTS, "body entry '" + key + "' cannot travel: "
            + e.getMessage() + " (use JSON-like values, byte[], float[], double[] or a Payload)");
      }
    }
  }

  /** The body a message carries (see {@link #encode}); reads binary payloads into arrays. */
  static Object decode(Message m) {
    String shape = m.attributes().getOrDefault(SHAPE, "map");
    if (shape.equals("none")) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>(m.args());
    for (Payload p : m.payloads()) {
      out.put(p.name(), read(p));
    }
    return shape.equals("value") ? out.get(VALUE_KEY) : java.util.Collections.unmodifiableMap(out);
  }

  private static Object read(Payload p) {
    switch (p.contentType()) {
      case FLOAT32: {
        ByteBuffer buf = readAll(p);
        float[] f = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(f);
        return f;
      }
      case FLOAT64: {
        ByteBuffer buf = readAll(p);
        double[] d = new double[buf.remaining() / 8];
        buf.asDoubleBuffer().get(d);
        return d;
      }
      case Payload.OCTET_STREAM:
        return readAll(p).array();
      default:
        return p;
    }
  }

  /** Reads a payload whole and deletes its file (the receiver owns a chunked payload's file). */
  private static ByteBuffer readAll(Payload p) {
    byte[] bytes = p.bytes();
    p.file().ifPresent(Bodies::deleteQuietly);
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      // the transfer directory is the SDK's; a file left there is only disk space
    }
  }

  /** Streams a float[] as little-endian bytes without copying the array. */
  private static final class FloatsStream extends ArrayStream {
    private final float[] data;

    FloatsStream(float[] data) {
      super(4L * data.length, 4);
      this.data = data;
    }

    @Override
    void fill(ByteBuffer chunk, long index, int count) {
      for (int i = 0; i < count; i++) {
        chunk.putFloat(data[(int) index + i]);
      }
    }
  }

  /** Streams a double[] as little-endian bytes without copying the array. */
  private static final class DoublesStream extends ArrayStream {
    private final double[] data;

    DoublesStream(double[] data) {
      super(8L * data.length, 8);
      this.data = data;
    }

    @Override
    void fill(ByteBuffer chunk, long index, int count) {
      for (int i = 0; i < count; i++) {
        chunk.putDouble(data[(int) index + i]);
      }
    }
  }

  /** An input stream over a primitive array, converted 64 KiB at a time. */
  private abstract static class ArrayStream extends InputStream {
    private final long size;
    private final int width;
    private final ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    ArrayStream(long size, int width) {
      this.size = size;
      this.width = width;
      chunk.limit(0);
    }

    abstract void fill(ByteBuffer chunk, long index, int count);

    private boolean refill() {
      if (position >= size) {
        return false;
      }
      chunk.clear();
      int count = (int) Math.min(chunk.capacity() / width, (size - position) / width);
      fill(chunk, position / width, count);
      position += (long) count * width;
      chunk.flip();
      return true;
    }

    @Override
    public int read() {
      if (!chunk.hasRemaining() && !refill()) {
        return -1;
      }
      return chunk.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!chunk.hasRemaining() && !refill()) {
        return -1;
      }
      int n = Math.min(len, chunk.remaining());
      chunk.get(b, off, n);
      return n;
    }
  }
}
