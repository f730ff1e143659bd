package io.fedstream.protocol;

import io.fedstream.avro.Value;
import io.fedstream.schemas.FedStreamException;
import io.fedstream.schemas.Limits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One RoleML condition on an event's {@code args}: {@code key[__op]} to a literal. Conditions of
 * one subscription are ANDed ({@link #all}).
 *
 * <p>The key is split at its last {@code __}. When the part after it is an operator, the part
 * before is the args key; otherwise the whole key is rejected as an unknown operator, so that a
 * typo such as {@code a__gtt} is an error instead of a silent equality test on a key that does
 * not exist. A key that itself contains {@code __} is written with an explicit operator
 * ({@code my__key__eq}).
 *
 * @param key the args key
 * @param op the operator
 * @param literal the unwrapped literal ({@code Value.v})
 */
public record Condition(String key, Op op, Object literal) {

  /** Condition operators with their RoleML spellings. */
  public enum Op {
    /** Equal ({@code eq}, {@code ==}); the default. */
    EQ("eq", "=="),
    /** Greater than ({@code gt}, {@code >}). */
    GT("gt", ">"),
    /** Greater than or equal ({@code ge}, {@code >=}). */
    GE("ge", ">="),
    /** Less than ({@code lt}, {@code <}). */
    LT("lt", "<"),
    /** Less than or equal ({@code le}, {@code <=}). */
    LE("le", "<="),
    /** The args value (a list, or a string, or a map's keys) holds the literal ({@code contains}). */
    CONTAINS("contains", null);

    private final String word;
    private final String symbol;

    Op(String word, String symbol) {
      this.word = word;
      this.symbol = symbol;
    }

    static Op of(String s) {
      for (Op op : values()) {
        if (op.word.equals(s) || s.equals(op.symbol)) {
          return op;
        }
      }
      return null;
    }
  }

  /** Separator between the key and the operator, as in RoleML. */
  public static final String SEPARATOR = "__";

  /** Every spelling of an operator accepted after the last {@link #SEPARATOR} (case-insensitive). */
  public static final Set<String> OPERATORS = spellings();

  private static Set<String> spellings() {
    Set<String> out = new LinkedHashSet<>();
    for (Op op : Op.values()) {
      out.add(op.word);
      if (op.symbol != null) {
        out.add(op.symbol);
      }
    }
    return Collections.unmodifiableSet(out);
  }

  /**
   * Parses one condition.
   *
   * @param rawKey the key as written, {@code key} or {@code key__op}
   * @param literal the literal (a {@code Value} or its content)
   * @return the condition
   * @throws FedStreamException (code {@code INVALID_CONDITION}) if the key is empty, the operator unknown, the literal nested
   *     deeper than {@link Limits#MAX_VALUE_DEPTH} or it cannot be compared with that operator
   */
  public static Condition parse(String rawKey, Object literal) {
    if (rawKey == null || rawKey.isEmpty()) {
      throw Invalid.condition("condition key must not be empty");
    }
    if (Limits.depth(literal, Limits.MAX_VALUE_DEPTH) > Limits.MAX_VALUE_DEPTH) {
      throw Invalid.condition("condition '" + Limits.quote(rawKey) + "' has a literal nested"
          + " deeper than " + Limits.MAX_VALUE_DEPTH + " levels");
    }
    String key = rawKey;
    Op op = Op.EQ;
    int at = rawKey.lastIndexOf(SEPARATOR);
    if (at >= 0) {
      String suffix = rawKey.substring(at + SEPARATOR.length());
      Op parsed = Op.of(suffix.toLowerCase(Locale.ROOT));
      if (parsed == null) {
        throw Invalid.condition("condition '" + Limits.quote(rawKey) + "' has unknown operator '"
            + Limits.quote(suffix) + "'; use one of eq ==, gt >, ge >=, lt <, le <=, contains (a key that"
            + " contains '__' needs an explicit operator, e.g. 'my__key__eq')");
      }
      key = rawKey.substring(0, at);
      op = parsed;
      if (key.isEmpty()) {
        throw Invalid.condition("condition '" + Limits.quote(rawKey) + "' has no key before '__'");
      }
    }
    Object v = Values.plain(literal);
    if (op == Op.GT || op == Op.GE || op == Op.LT || op == Op.LE) {
      if (!Values.isNumber(v) && !Values.isString(v)) {
        throw Invalid.condition("condition '" + Limits.quote(rawKey) + "' compares with "
            + describe(v) + "; ordering operators need a number or a string literal");
      }
      if (v instanceof Double d && d.isNaN()) {
        throw Invalid.condition("condition '" + Limits.quote(rawKey) + "' compares with NaN");
      }
    }
    return new Condition(key, op, v);
  }

  /**
   * Parses every condition of a subscription.
   *
   * @param conditions key or key__op to literal; null or empty means "every event"
   * @return the parsed conditions, in the map's iteration order
   * @throws FedStreamException (code {@code INVALID_CONDITION}) on the first condition that cannot be parsed, or when there
   *     are more than {@link Limits#MAX_CONDITIONS}
   */
  public static List<Condition> parseAll(Map<String, Value> conditions) {
    List<Condition> out = new ArrayList<>();
    if (conditions != null && conditions.size() > Limits.MAX_CONDITIONS) {
      throw Invalid.condition("a subscription has " + conditions.size() + " conditions, more"
          + " than the " + Limits.MAX_CONDITIONS + " allowed");
    }
    if (conditions != null) {
      for (Map.Entry<String, Value> e : conditions.entrySet()) {
        out.add(parse(e.getKey(), e.getValue()));
      }
    }
    return List.copyOf(out);
  }

  /** Whether every condition holds for these args (an empty list always holds). */
  public static boolean all(List<Condition> conditions, Map<String, Value> args) {
    for (Condition c : conditions) {
      if (!c.test(args)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tests this condition. A key missing from {@code args} (or null args) never matches, whatever
   * the operator.
   */
  public boolean test(Map<String, Value> args) {
    Objects.requireNonNull(op);
    if (args == null || !args.containsKey(key)) {
      return false;
    }
    Object actual = Values.plain(args.get(key));
    switch (op) {
      case EQ:
        return Values.same(actual, literal);
      case CONTAINS:
        return Values.contains(actual, literal);
      default:
        Integer c = Values.order(actual, literal);
        if (c == null) {
          return false;
        }
        switch (op) {
          case GT: return c > 0;
          case GE: return c >= 0;
          case LT: return c < 0;
          default: return c <= 0;
        }
    }
  }

  private static String describe(Object v) {
    return v == null ? "null" : "a " + v.getClass().getSimpleName();
  }
}
