package io.fedstream.federation;

import java.lang.reflect.Array;
import java.util.List;

/** Converts an argument value to a {@code train} parameter's type, or says why it cannot. */
final class Coercion {

  private Coercion() {
  }

  /**
   * Converts.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  static Object to(Class<?> type, Object v) {
    Class<?> boxed = box(type);
    if (v == null) {
      if (type.isPrimitive()) {
        throw new IllegalArgumentException("null for a " + type.getName() + " parameter");
      }
      return null;
    }
    if (boxed.isInstance(v)) {
      return v;
    }
    if (v instanceof String s && type != String.class) {
      return parse(type, boxed, s);
    }
    if (v instanceof Number n && Number.class.isAssignableFrom(boxed)) {
      return number(boxed, n);
    }
    if (v instanceof List<?> l && type.isArray()) {
      Object a = Array.newInstance(type.getComponentType(), l.size());
      for (int i = 0; i < l.size(); i++) {
        Array.set(a, i, to(type.getComponentType(), l.get(i)));
      }
      return a;
    }
    throw new IllegalArgumentException("expected " + type.getSimpleName() + ", got " + v.getClass().getSimpleName()
        + " (" + v + ")");
  }

  private static Object parse(Class<?> type, Class<?> boxed, String s) {
    try {
      if (boxed == Boolean.class) {
        if (!s.equals("true") && !s.equals("false")) {
          throw new IllegalArgumentException("expected true or false, got '" + s + "'");
        }
        return Boolean.valueOf(s);
      }
      if (Number.class.isAssignableFrom(boxed)) {
        return number(boxed, s.contains(".") || s.contains("e") || s.contains("E") ? (Number) Double.valueOf(s)
            : (Number) Long.valueOf(s));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a number, got '" + s + "'");
    }
    throw new IllegalArgumentException("expected " + type.getSimpleName() + ", got the string '" + s + "'");
  }

  private static Object number(Class<?> boxed, Number n) {
    boolean integral = n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    if (boxed == Double.class) {
      return n.doubleValue();
    }
    if (boxed == Float.class) {
      return n.floatValue();
    }
    if (!integral && n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException("expected a whole number, got " + n);
    }
    long l = n.longValue();
    if (boxed == Long.class) {
      return l;
    }
    if (boxed == Integer.class && l == (int) l) {
      return (int) l;
    }
    if (boxed == Short.class && l == (short) l) {
      return (short) l;
    }
    if (boxed == Byte.class && l == (byte) l) {
      return (byte) l;
    }
    if (boxed == Number.class) {
      return n;
    }
    throw new IllegalArgumentException(n + " does not fit a " + boxed.getSimpleName());
  }

  static Class<?> box(Class<?> t) {
    if (!t.isPrimitive()) {
      return t;
    }
    if (t == int.class) {
      return Integer.class;
    }
    if (t == long.class) {
      return Long.class;
    }
    if (t == double.class) {
      return Double.class;
    }
    if (t == float.class) {
      return Float.class;
    }
    if (t == boolean.class) {
      return Boolean.class;
    }
    if (t == short.class) {
      return Short.class;
    }
    if (t == byte.class) {
      return Byte.class;
    }
    if (t == char.class) {
      return Character.class;
    }
    return Void.class;
  }
}
