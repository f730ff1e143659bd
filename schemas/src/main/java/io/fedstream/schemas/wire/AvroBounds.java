package io.fedstream.schemas.wire;

import io.fedstream.schemas.Limits;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema before Avro's reader sees it, so that the
 * reader is only ever handed bytes that cannot make it recurse without bound or allocate without
 * bound: every length and item count must fit in the bytes that are left, records nest at most
 * {@link #MAX_RECORD_DEPTH} deep and {@code Value}s at most {@link Limits#MAX_VALUE_DEPTH}. The
 * walk itself recurses at most that deep. Its cost is one pass without allocation; {@code bytes}
 * and {@code string} contents are skipped, not read.
 */
final class AvroBounds {

  /** The recursive record of args and conditions. */
  private static final String VALUE = "io.fedstream.avro.Value";

  /** Records nest at most this deep in any body (a Value is one record per level). */
  static final int MAX_RECORD_DEPTH = Limits.MAX_VALUE_DEPTH + 16;

  private final byte[] b;
  private final int end;
  private int pos;
  private int depth;
  private int valueDepth;

  private AvroBounds(byte[] b, int offset, int end) {
    this.b = b;
    this.pos = offset;
    this.end = end;
  }

  /**
   * Checks {@code bytes[offset..end)} as one value of {@code writer}.
   *
   * @throws IllegalArgumentException saying what is out of bounds; the message says "nest" when
   *     values or records nest too deep
   */
  static void check(Schema writer, byte[] bytes, int offset, int end) {
    AvroBounds c = new AvroBounds(bytes, offset, end);
    try {
      c.skip(writer);
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("the body ends inside a value");
    }
  }

  private int next() {
    if (pos >= end) {
      throw new IllegalArgumentException("the body ends inside a value");
    }
    return b[pos++] & 0xff;
  }

  private long varLong() {
    long raw = 0;
    int shift = 0;
    while (true) {
      int x = next();
      raw |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 63) {
        throw new IllegalArgumentException("a varint at byte " + pos + " is longer than 10 bytes");
      }
    }
    return (raw >>> 1) ^ -(raw & 1);
  }

  private void skipBytes(long n) {
    if (n < 0 || n > end - pos) {
      throw new IllegalArgumentException("a length of " + n + " at byte " + pos + " runs past the body");
    }
    pos += (int) n;
  }

  private int index(Schema s, int size) {
    long i = varLong();
    if (i < 0 || i >= size) {
      throw new IllegalArgumentException((s.getType() == Schema.Type.ENUM ? "enum " + s.getName() : "union")
          + " index " + i + " at byte " + pos + " is not one of " + size);
    }
    return (int) i;
  }

  private void skip(Schema s) {
    switch (s.getType()) {
      case NULL:
        return;
      case BOOLEAN:
        skipBytes(1);
        return;
      case INT:
      case LONG:
        varLong();
        return;
      case FLOAT:
        skipBytes(4);
        return;
      case DOUBLE:
        skipBytes(8);
        return;
      case STRING:
      case BYTES:
        skipBytes(varLong());
        return;
      case FIXED:
        skipBytes(s.getFixedSize());
        return;
      case ENUM:
        index(s, s.getEnumSymbols().size());
        return;
      case UNION:
        skip(s.getTypes().get(index(s, s.getTypes().size())));
        return;
      case RECORD:
        record(s);
        return;
      case ARRAY:
        blocks(s.getElementType(), false);
        return;
      case MAP:
        blocks(s.getValueType(), true);
        return;
      default:
        throw new IllegalArgumentException("unknown Avro type " + s.getType());
    }
  }

  private void record(Schema s) {
    boolean value = VALUE.equals(s.getFullName());
    if (value && ++valueDepth > Limits.MAX_VALUE_DEPTH) {
      throw new IllegalArgumentException("values nest deeper than " + Limits.MAX_VALUE_DEPTH + " levels");
    }
    if (++depth > MAX_RECORD_DEPTH) {
      throw new IllegalArgumentException("records nest deeper than " + MAX_RECORD_DEPTH + " levels");
    }
    for (Schema.Field f : s.getFields()) {
      skip(f.schema());
    }
    depth--;
    if (value) {
      valueDepth--;
    }
  }

  private void blocks(Schema item, boolean keyed) {
    while (true) {
      long n = varLong();
      if (n == 0) {
        return;
      }
      if (n < 0) {
        n = -n;
        varLong(); // the block's size in bytes, checked by walking the block
      }
      // Every item takes at least one byte, but a null (a map entry its key's length): an item
      // count that cannot fit is refused before Avro's reader would allocate for it.
      if ((keyed || item.getType() != Schema.Type.NULL) && n > end - pos) {
        throw new IllegalArgumentException("a block of " + n + " items at byte " + pos + " cannot fit in the body");
      }
      if (n > Integer.MAX_VALUE || item.getType() == Schema.Type.NULL && n > 1 << 20) {
        throw new IllegalArgumentException("a block of " + n + " items at byte " + pos);
      }
      for (long i = 0; i < n; i++) {
        if (keyed) {
          skipBytes(varLong());
        }
        skip(item);
      }
    }
  }
}
