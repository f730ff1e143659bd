package io.fedstream.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of {@link Message} args: how the builder copies a value into its JSON-like form, and
 * how the lenient number getters read one.
 */
final class Args {

  private Args() {
  }

  /** A value as the builder keeps it (see {@link Message}); {@code key} names it in errors. */
  static Object normalise(String key, Object v) {
    return normalise(key, v, 1);
  }

  /**
   * The most levels the builder copies. Args nest at most {@code Limits.MAX_VALUE_DEPTH} levels, which
   * {@code send} checks (as {@code CALLER}); deeper than this the builder cannot even copy them safely.
   */
  static final int MAX_COPY_DEPTH = 16 * io.fedstream.schemas.Limits.MAX_VALUE_DEPTH;

  /** {@code depth}: the level of {@code v}; past {@link #MAX_COPY_DEPTH} the arg is refused. */
  private static Object normalise(String key, Object v, int depth) {
    if (depth > MAX_COPY_DEPTH) {
      throw new IllegalArgumentException("Arg '" + io.fedstream.schemas.Limits.quote(key) + "' nests deeper than "
          + MAX_COPY_DEPTH + " levels (args nest at most " + io.fedstream.schemas.Limits.MAX_VALUE_DEPTH
          + "); flatten it or send it as a payload.");
    }
    if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double || v instanceof String) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    if (v instanceof byte[]) {
      return ((byte[]) v).clone();
    }
    if (v instanceof List) {
      List<Object> out = new ArrayList<>();
      for (Object e : (List<?>) v) {
        out.add(normalise(key, e, depth + 1));
      }
      return Collections.unmodifiableList(out);
    }
    if (v instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException("Arg '" + key + "' has a map key that is not a String: " + e.getKey());
        }
        out.put((String) e.getKey(), normalise(key, e.getValue(), depth + 1));
      }
      return Collections.unmodifiableMap(out);
    }
    throw new IllegalArgumentException("Arg '" + key + "' has a " + v.getClass().getName()
        + "; args take null, Boolean, Long/Integer, Double/Float, String, byte[], List or Map<String,?>."
        + " Put anything else in a payload.");
  }

  /** See {@link Message#argLong(String)}. */
  static long asLong(String name, Object v) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
      return d.longValue();
    }
    throw new NodeException.CallerException("argument '" + name + "' must be a whole number, was "
        + (v == null ? "absent" : v.getClass().getSimpleName() + " " + v));
  }

  /** See {@link Message#argDouble(String)}. */
  static double asDouble(String name, Object v) {
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof Long l) {
      return l;
    }
    throw new NodeException.CallerException("argument '" + name + "' must be a number, was "
        + (v == null ? "absent" : v.getClass().getSimpleName() + " " + v));
  }
}
