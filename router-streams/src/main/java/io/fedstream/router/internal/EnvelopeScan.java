package io.fedstream.router.internal;

import io.fedstream.schemas.Limits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;

/**
 * One pass over an envelope's Avro body, written with some writer schema, that checks its whole
 * structure (lengths, union branches and enum symbols in range, no byte left over) and reads only
 * what the router needs to route it: {@code messageId}, {@code kind}, {@code tag}, {@code source}
 * and where the {@code destination}, {@code args} and {@code attributes} fields start and end.
 * It builds no record: the event intake forwards the original bytes, and the channel router
 * decodes only the args and splices the rest (see {@link EnvelopeSplice}).
 *
 * <p>It accepts exactly the bytes a full decode with the same writer schema accepts, except that
 * it does not resolve the writer schema against the reader's (the codec checks that the two are
 * compatible before).
 */
final class EnvelopeScan {

  /** What a scan found. Positions are absolute indexes into the scanned array; -1 when absent. */
  record Head(String messageId, String kind, String tag, String source, int destinationStart,
      int destinationEnd, int argsStart, int argsEnd, int attributesStart, int attributesEnd) {
  }

  /** The recursive record of args, whose nesting {@link Limits#MAX_VALUE_DEPTH} bounds. */
  private static final String VALUE = "io.fedstream.avro.Value";

  /** Records nest at most this deep in any writer schema, so that a scan's recursion is bounded. */
  private static final int MAX_SCHEMA_DEPTH = 2 * Limits.MAX_VALUE_DEPTH + 16;

  private EnvelopeScan() {
  }

  /**
   * Scans {@code bytes[offset..]} as one record of {@code writer}.
   *
   * @throws IllegalArgumentException when the bytes are not one such record
   */
  static Head scan(Schema writer, byte[] bytes, int offset) {
    if (writer.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException("writer schema " + writer.getFullName() + " is not a record");
    }
    Cursor c = new Cursor(bytes, offset);
    String messageId = null;
    String kind = null;
    String tag = null;
    String source = null;
    int destinationStart = -1;
    int destinationEnd = -1;
    int argsStart = -1;
    int argsEnd = -1;
    int attributesStart = -1;
    int attributesEnd = -1;
    try {
      for (Schema.Field f : writer.getFields()) {
        Schema s = f.schema();
        int start = c.pos;
        switch (f.name()) {
          case "messageId":
            messageId = c.stringOrNull(s);
            break;
          case "kind":
            kind = c.enumSymbol(s);
            break;
          case "tag":
            tag = c.stringOrNull(s);
            break;
          case "source":
            source = c.stringOrNull(s);
            break;
          default:
            c.skip(s);
        }
        switch (f.name()) {
          case "destination":
            destinationStart = start;
            destinationEnd = c.pos;
            break;
          case "args":
            argsStart = start;
            argsEnd = c.pos;
            break;
          case "attributes":
            attributesStart = start;
            attributesEnd = c.pos;
            break;
          default:
            break;
        }
      }
    } catch (ArrayIndexOutOfBoundsException | StackOverflowError e) {
      throw new IllegalArgumentException("the body ends inside a value or nests too deep", e);
    }
    if (c.pos != bytes.length) {
      throw new IllegalArgumentException((bytes.length - offset) + "-byte body has "
          + (bytes.length - c.pos) + " bytes left after the record");
    }
    return new Head(messageId, kind, tag, source, destinationStart, destinationEnd, argsStart, argsEnd,
        attributesStart, attributesEnd);
  }

  /** The string at {@code offset} (the first field, {@code messageId}, of an envelope body). */
  static String firstString(byte[] bytes, int offset) {
    return new Cursor(bytes, offset).string();
  }

  /** A read position over a byte array; every read checks bounds (by the array's own checks). */
  private static final class Cursor {
    final byte[] b;
    int pos;
    int depth;
    int valueDepth;

    Cursor(byte[] b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    long varLong() {
      long raw = 0;
      int shift = 0;
      while (true) {
        int x = b[pos++] & 0xff;
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

    int length() {
      long n = varLong();
      if (n < 0 || n > b.length - pos) {
        throw new IllegalArgumentException("a length of " + n + " at byte " + pos + " runs past the "
            + b.length + "-byte record");
      }
      return (int) n;
    }

    /** A union branch or enum symbol index, checked against {@code s}'s size. */
    int index(Schema s) {
      int size = s.getType() == Schema.Type.ENUM ? s.getEnumSymbols().size() : s.getTypes().size();
      long i = varLong();
      if (i < 0 || i >= size) {
        throw new IllegalArgumentException((s.getType() == Schema.Type.ENUM ? "enum " + s.getName() : "union")
            + " index " + i + " at byte " + pos + " is not one of " + size);
      }
      return (int) i;
    }

    void skipBytes(int n) {
      if (n > b.length - pos) {
        throw new IllegalArgumentException(n + " bytes at byte " + pos + " run past the record");
      }
      pos += n;
    }

    String string() {
      int n = length();
      String s = new String(b, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    /** A string, or a union of null and string (any branch order); anything else is skipped. */
    String stringOrNull(Schema s) {
      if (s.getType() == Schema.Type.STRING) {
        return string();
      }
      if (s.getType() == Schema.Type.UNION) {
        List<Schema> branches = s.getTypes();
        Schema branch = branches.get(index(s));
        if (branch.getType() == Schema.Type.STRING) {
          return string();
        }
        skip(branch);
        return null;
      }
      skip(s);
      return null;
    }

    String enumSymbol(Schema s) {
      if (s.getType() != Schema.Type.ENUM) {
        skip(s);
        return null;
      }
      return s.getEnumSymbols().get(index(s));
    }

    /** Skips one value of {@code s}, checking it as a decoder would. */
    void skip(Schema s) {
      switch (s.getType()) {
        case NULL:
          return;
        case BOOLEAN:
          skipBytes(1); // Avro's decoder reads any byte other than 1 as false: so does this
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
          skipBytes(length());
          return;
        case FIXED:
          skipBytes(s.getFixedSize());
          return;
        case ENUM:
          index(s);
          return;
        case UNION:
          skip(s.getTypes().get(index(s)));
          return;
        case RECORD:
          boolean value = VALUE.equals(s.getFullName());
          if (value && ++valueDepth > Limits.MAX_VALUE_DEPTH) {
            throw new IllegalArgumentException("args nest deeper than " + Limits.MAX_VALUE_DEPTH + " levels");
          }
          if (++depth > MAX_SCHEMA_DEPTH) {
            throw new IllegalArgumentException("the record nests deeper than " + MAX_SCHEMA_DEPTH + " records");
          }
          for (Schema.Field f : s.getFields()) {
            skip(f.schema());
          }
          depth--;
          if (value) {
            valueDepth--;
          }
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

    private void blocks(Schema item, boolean keyed) {
      while (true) {
        long n = varLong();
        if (n == 0) {
          return;
        }
        if (n < 0) {
          n = -n;
          length(); // the block's size in bytes, which we check by walking it
        }
        // Every item but a null takes at least one byte (a map item its key's length).
        if ((keyed || item.getType() != Schema.Type.NULL) && n > b.length - pos) {
          throw new IllegalArgumentException("a block of " + n + " items at byte " + pos
              + " cannot fit in the record");
        }
        for (long i = 0; i < n; i++) {
          if (keyed) {
            skipBytes(length());
          }
          skip(item);
        }
      }
    }
  }
}
