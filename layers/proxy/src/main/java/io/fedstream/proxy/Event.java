package io.fedstream.proxy;

import io.fedstream.node.RegisterExpression;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A conditional event of the register table: a unit event {@code source:tag:amount}, or unit and
 * combined events joined by {@code AND} / {@code OR}, built the way MARO builds its tuples:
 *
 * <pre>{@code
 * // MARO: (("worker_01:update:2", "worker_02:update:3", "AND"), "worker_03:update:1", "OR")
 * Event mix = Event.of(Event.of("worker_01:update:2", "worker_02:update:3", "AND"), "worker_03:update:1", "OR");
 * // the same, named
 * Event same = Event.or(Event.and("worker_01:update:2", "worker_02:update:3"), "worker_03:update:1");
 * }</pre>
 *
 * <ul>
 *   <li>{@code source}: the sender's name, matched by longest prefix, or a group name (the
 *       group's alive members); {@code *} is any source.
 *   <li>{@code tag}: the message tag; {@code *} is any tag.
 *   <li>{@code amount}: a count ({@code 3}) or a percentage of the source's peers alive at the
 *       time it is evaluated ({@code 60%}: {@code ceil(60 * peers / 100)}, at least 1).
 * </ul>
 *
 * <p>Immutable; every factory checks its input and fails with {@link
 * io.fedstream.node.NodeException.InvalidConditionException} (code {@code INVALID_CONDITION}).
 */
public final class Event {

  private final String expression;
  private final boolean combined;

  private Event(String expression, boolean combined) {
    this.expression = expression;
    this.combined = combined;
  }

  /** One unit event, e.g. {@code "worker:update:60%"}. */
  public static Event of(String unit) {
    RegisterExpression e = RegisterExpression.parse(unit);
    if (e.combined() || unit.contains("(") || unit.trim().contains(" ")) {
      throw invalid("'" + unit + "' is not one unit event source:tag:amount");
    }
    return new Event(unit.trim(), false);
  }

  /**
   * MARO's tuple form: the parts (unit event strings or events), then the operator {@code "AND"}
   * or {@code "OR"} as the last element.
   *
   * @throws io.fedstream.node.NodeException.InvalidConditionException if fewer than two parts, no
   *     operator last, or a part is neither a string nor an event
   */
  public static Event of(Object... partsThenOperator) {
    if (partsThenOperator.length < 3 || !(partsThenOperator[partsThenOperator.length - 1] instanceof String op)) {
      throw invalid("a combined event is (part, part, ..., \"AND\" or \"OR\"), got " + List.of(partsThenOperator));
    }
    String o = op.trim().toUpperCase(Locale.ROOT);
    Object[] parts = java.util.Arrays.copyOf(partsThenOperator, partsThenOperator.length - 1);
    if (o.equals("AND")) {
      return and(parts);
    }
    if (o.equals("OR")) {
      return or(parts);
    }
    throw invalid("the last element of a combined event must be \"AND\" or \"OR\", got \"" + op + "\"");
  }

  /** Met when every part is met. Parts: unit event strings or events, at least two. */
  public static Event and(Object... parts) {
    return combine("AND", parts);
  }

  /** Met when any part is met. Parts: unit event strings or events, at least two. */
  public static Event or(Object... parts) {
    return combine("OR", parts);
  }

  /** Any expression text in the register table's grammar, e.g. {@code "(a:x:1 AND b:x:2) OR c:x:50%"}. */
  public static Event parse(String expression) {
    return new Event(expression.trim(), RegisterExpression.parse(expression).combined());
  }

  private static Event combine(String op, Object... parts) {
    if (parts.length < 2) {
      throw invalid(op + " needs at least two parts, got " + parts.length);
    }
    List<String> texts = new ArrayList<>();
    for (Object p : parts) {
      Event e;
      if (p instanceof Event ev) {
        e = ev;
      } else if (p instanceof String s) {
        e = of(s);
      } else {
        throw invalid("a part must be a unit event string or an Event, got " + p);
      }
      texts.add(e.combined ? "(" + e.expression + ")" : e.expression);
    }
    String text = String.join(" " + op + " ", texts);
    RegisterExpression.parse(text);
    return new Event(text, true);
  }

  private static io.fedstream.node.NodeException.InvalidConditionException invalid(String why) {
    return new io.fedstream.node.NodeException.InvalidConditionException(why);
  }

  /** The expression the router evaluates, e.g. {@code "(worker_01:update:2 AND worker_02:update:3) OR worker_03:update:1"}. */
  public String expression() {
    return expression;
  }

  List<RegisterExpression.Unit> units() {
    return RegisterExpression.parse(expression).units();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Event e && e.expression.equals(expression);
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression);
  }

  @Override
  public String toString() {
    return expression;
  }
}
