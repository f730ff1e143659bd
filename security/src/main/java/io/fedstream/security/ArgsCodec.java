package io.fedstream.security;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Args as bytes, for sealing them ({@link EndToEnd#sealingArgs()}): a tag byte per value (null,
 * boolean, long, double, string, bytes, list, map) followed by its content; strings as modified
 * UTF-8 with a 4-byte length. Only the value kinds {@code Message.Builder.arg} accepts.
 */
final class ArgsCodec {

  private static final int MAX_DEPTH = 64;

  private ArgsCodec() {
  }

  static byte[] encode(Map<String, Object> args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(out, args);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> decode(byte[] data) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    Object v = read(in, 0, data.length);
    if (!(v instanceof Map) || in.available() != 0) {
      throw new IOException("sealed args are not one map");
    }
    return (Map<String, Object>) v;
  }

  private static void write(DataOutputStream out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(0);
    } else if (v instanceof Boolean b) {
      out.writeByte(1);
      out.writeBoolean(b);
    } else if (v instanceof Long l) {
      out.writeByte(2);
      out.writeLong(l);
    } else if (v instanceof Double d) {
      out.writeByte(3);
      out.writeDouble(d);
    } else if (v instanceof String s) {
      out.writeByte(4);
      bytes(out, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } else if (v instanceof byte[] b) {
      out.writeByte(5);
      bytes(out, b);
    } else if (v instanceof List<?> list) {
      out.writeByte(6);
      out.writeInt(list.size());
      for (Object e : list) {
        write(out, e);
      }
    } else if (v instanceof Map<?, ?> map) {
      out.writeByte(7);
      out.writeInt(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        bytes(out, e.getKey().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        write(out, e.getValue());
      }
    } else {
      throw new IllegalArgumentException("an arg of type " + v.getClass().getName() + " cannot be sealed");
    }
  }

  private static void bytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] bytes(DataInputStream in, int limit) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > limit) {
      throw new IOException("bad length " + n);
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new IOException("cut");
    }
    return b;
  }

  private static Object read(DataInputStream in, int depth, int limit) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("sealed args nest deeper than " + MAX_DEPTH);
    }
    int tag = in.readUnsignedByte();
    switch (tag) {
      case 0:
        return null;
      case 1:
        return in.readBoolean();
      case 2:
        return in.readLong();
      case 3:
        return in.readDouble();
      case 4:
        return new String(bytes(in, limit), java.nio.charset.StandardCharsets.UTF_8);
      case 5:
        return bytes(in, limit);
      case 6: {
        int n = in.readInt();
        if (n < 0 || n > limit) {
          throw new IOException("bad list size " + n);
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          out.add(read(in, depth + 1, limit));
        }
        return out;
      }
      case 7: {
        int n = in.readInt();
        if (n < 0 || n > limit) {
          throw new IOException("bad map size " + n);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          String k = new String(bytes(in, limit), java.nio.charset.StandardCharsets.UTF_8);
          out.put(k, read(in, depth + 1, limit));
        }
        return out;
      }
      default:
        throw new IOException("unknown tag " + tag);
    }
  }
}
