package io.fedstream.schemas;

import io.fedstream.avro.Value;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;

/**
 * The contract's bounds on untrusted input, enforced by the SDK (at send, as {@code CALLER}; at
 * decode, as a dead letter) and by the router (as a dead letter or a rejection). Nothing in
 * FedStream recurses over input deeper than these bounds. See {@code docs/reliability.md}.
 */
public final class Limits {

  /**
   * How deep a {@link Value} (an arg, a condition literal) may nest: a scalar is level 1, and each
   * list or map around it adds one. {@code {"a": [1]}} has an arg of depth 2.
   */
  public static final int MAX_VALUE_DEPTH = 64;

  /** The longest register-table expression, in characters. */
  public static final int MAX_EXPRESSION_CHARS = 4096;

  /** How deep parentheses may nest in a register-table expression. */
  public static final int MAX_EXPRESSION_DEPTH = 64;

  /** The most conditions one subscription may carry. */
  public static final int MAX_CONDITIONS = 64;

  /**
   * The largest subscription or register-table record the router accepts, in wire bytes; larger
   * ones are dead-lettered without being decoded.
   */
  public static final int MAX_CONTROL_RECORD_BYTES = 64 * 1024;

  /**
   * The longest id the router replies to or keys by (subscription and registration ids, node ids),
   * in characters; a record with a longer one is dead-lettered, as there is no one to tell.
   */
  public static final int MAX_ID_CHARS = 256;

  /** How much of an input an error message quotes, in characters; the rest is elided. */
  public static final int MAX_QUOTED_CHARS = 200;

  private Limits() {
  }

  /**
   * The nesting depth of a value ({@link #MAX_VALUE_DEPTH} explains the count), computed without
   * recursion. A {@code Value}'s content, a plain list or map, or a scalar are all accepted.
   *
   * @param value a {@code Value}, its content, or null (depth 1)
   * @param stopAbove the walk stops once the depth passes this bound (returns bound + 1)
   * @return the depth, at most {@code stopAbove + 1}
   */
  public static int depth(Object value, int stopAbove) {
    ArrayDeque<Object> items = new ArrayDeque<>();
    ArrayDeque<Integer> levels = new ArrayDeque<>();
    items.push(value == null ? NULL : value);
    levels.push(1);
    int max = 0;
    while (!items.isEmpty()) {
      Object o = items.pop();
      int level = levels.pop();
      if (o instanceof Value v) {
        o = v.getV() == null ? NULL : v.getV();
      }
      max = Math.max(max, level);
      if (max > stopAbove) {
        return stopAbove + 1;
      }
      Collection<?> children = o instanceof Collection<?> c ? c
          : o instanceof Map<?, ?> m ? m.values() : null;
      if (children != null) {
        for (Object child : children) {
          items.push(child == null ? NULL : child);
          levels.push(level + 1);
        }
      }
    }
    return max;
  }

  /**
   * The deepest value among {@code args} (0 for no args), as {@link #depth}.
   *
   * @param args an envelope's args or a subscription's conditions; may be null
   * @return the depth, at most {@link #MAX_VALUE_DEPTH} + 1
   */
  public static int argsDepth(Map<String, Value> args) {
    if (args == null || args.isEmpty()) {
      return 0;
    }
    int max = 0;
    for (Value v : args.values()) {
      max = Math.max(max, depth(v, MAX_VALUE_DEPTH));
      if (max > MAX_VALUE_DEPTH) {
        break;
      }
    }
    return max;
  }

  /**
   * Checks that no arg nests deeper than {@link #MAX_VALUE_DEPTH}.
   *
   * @param what what the values are, for the message ("args", "conditions")
   * @param args the values; null passes
   * @throws IllegalArgumentException saying the limit
   */
  public static void checkArgsDepth(String what, Map<String, Value> args) {
    if (argsDepth(args) > MAX_VALUE_DEPTH) {
      throw new IllegalArgumentException(what + " nest deeper than " + MAX_VALUE_DEPTH
          + " levels; flatten them or send the structure as a payload");
    }
  }

  /**
   * Quotes at most {@link #MAX_QUOTED_CHARS} characters of an input, for an error message.
   *
   * @param s the input, or null
   * @return the input, or its start followed by how many characters were left out
   */
  public static String quote(String s) {
    if (s == null) {
      return "null";
    }
    if (s.length() <= MAX_QUOTED_CHARS) {
      return s;
    }
    return s.substring(0, MAX_QUOTED_CHARS) + "...(" + (s.length() - MAX_QUOTED_CHARS) + " more chars)";
  }

  private static final Object NULL = new Object();
}
