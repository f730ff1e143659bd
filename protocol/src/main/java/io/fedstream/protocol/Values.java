package io.fedstream.protocol;

import io.fedstream.avro.Value;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Comparison of the JSON-like {@link Value} payload ({@code Value.v}), with JSON's rules rather
 * than Java's: a long and a double are compared as numbers, strings by code point, lists and
 * maps element by element. Nothing here throws on a type mismatch: values of different types are
 * simply not equal and not ordered.
 */
public final class Values {

  private Values() {
  }

  /** Unwraps a {@code Value} (or a raw object) to the plain Java object inside. */
  public static Object plain(Object o) {
    return o instanceof Value v ? v.getV() : o;
  }

  public static boolean isNumber(Object o) {
    return o instanceof Long || o instanceof Double || o instanceof Integer || o instanceof Float;
  }

  public static boolean isString(Object o) {
    return o instanceof CharSequence;
  }

  /**
   * A hash key that is equal for two values exactly when {@link #same} says they are, for
   * numbers, strings and booleans (a double with an integral value keys as that long); null for
   * anything else, which is then not indexed.
   */
  public static Object indexKey(Object o) {
    o = plain(o);
    // Numbers that compare equal must key equal: exact longs while doubles are exact (2^53),
    // doubles beyond (where same() compares as doubles anyway).
    if (o instanceof Long || o instanceof Integer) {
      long v = ((Number) o).longValue();
      return Math.abs(v) < (1L << 53) ? (Object) v : (Object) (double) v;
    }
    if (o instanceof Double || o instanceof Float) {
      double d = ((Number) o).doubleValue();
      if (Double.isNaN(d)) {
        return null;
      }
      if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        return (long) d;
      }
      return d == 0.0 ? 0L : d;
    }
    if (o instanceof CharSequence) {
      return o.toString();
    }
    if (o instanceof Boolean) {
      return o;
    }
    return null;
  }

  /** Deep JSON-style equality of two unwrapped or wrapped values. */
  public static boolean same(Object a, Object b) {
    a = plain(a);
    b = plain(b);
    if (a == null || b == null) {
      return a == b;
    }
    if (isNumber(a) && isNumber(b)) {
      return compareNumbers((Number) a, (Number) b) == 0;
    }
    if (isString(a) && isString(b)) {
      return a.toString().equals(b.toString());
    }
    if (a instanceof Boolean && b instanceof Boolean) {
      return a.equals(b);
    }
    if (a instanceof ByteBuffer x && b instanceof ByteBuffer y) {
      return x.equals(y);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext()) {
        if (!same(i.next(), j.next())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        Object k = e.getKey() == null ? null : e.getKey().toString();
        Object other = null;
        boolean found = false;
        for (Map.Entry<?, ?> f : y.entrySet()) {
          if (f.getKey() != null && f.getKey().toString().equals(k)) {
            other = f.getValue();
            found = true;
            break;
          }
        }
        if (!found || !same(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Orders two values of the same orderable kind (numbers, or strings).
   *
   * @return negative, zero or positive; {@code null} when the two cannot be ordered
   */
  public static Integer order(Object a, Object b) {
    a = plain(a);
    b = plain(b);
    if (isNumber(a) && isNumber(b)) {
      return compareNumbers((Number) a, (Number) b);
    }
    if (isString(a) && isString(b)) {
      return a.toString().compareTo(b.toString());
    }
    return null;
  }

  /** {@code container} is a list holding {@code item}, a string holding it, or a map keyed by it. */
  public static boolean contains(Object container, Object item) {
    container = plain(container);
    item = plain(item);
    if (container instanceof List<?> list) {
      for (Object o : list) {
        if (same(o, item)) {
          return true;
        }
      }
      return false;
    }
    if (isString(container) && isString(item)) {
      return container.toString().contains(item.toString());
    }
    if (container instanceof Map<?, ?> map && isString(item)) {
      for (Object k : map.keySet()) {
        if (k != null && k.toString().equals(item.toString())) {
          return true;
        }
      }
    }
    return false;
  }

  private static int compareNumbers(Number a, Number b) {
    boolean integral = (a instanceof Long || a instanceof Integer) && (b instanceof Long || b instanceof Integer);
    if (integral) {
      return Long.compare(a.longValue(), b.longValue());
    }
    return Double.compare(a.doubleValue(), b.doubleValue());
  }
}
