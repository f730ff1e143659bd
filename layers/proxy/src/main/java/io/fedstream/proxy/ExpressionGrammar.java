package io.fedstream.proxy;

import io.fedstream.node.NodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The register table's expression grammar, checked here before anything is written: unit events
 * {@code source:tag:amount} (amount {@code N} at least 1, or {@code N%} from 1 to 100; {@code *}
 * for any source or tag) joined by {@code AND} / {@code OR} (either case) and parentheses, {@code
 * AND} binding tighter. It is the router's grammar (docs/router.md) and accepts exactly what the
 * router's parser accepts; it also gives the units for matching messages on this side.
 */
final class ExpressionGrammar {

  /** One unit event. */
  record Unit(String source, String tag, int amount, boolean percent) {
    boolean tagMatches(String t) {
      return "*".equals(tag) || tag.equals(t);
    }

    @Override
    public String toString() {
      return source + ":" + tag + ":" + amount + (percent ? "%" : "");
    }
  }

  private static final Pattern UNIT = Pattern.compile("([^:\\s()]+):([^:\\s()]+):([0-9]{1,9})(%?)");
  private static final Pattern TOKEN = Pattern.compile("\\(|\\)|[^\\s()]+");

  private final String text;
  private final List<String> tokens = new ArrayList<>();
  private final List<Unit> units = new ArrayList<>();
  private int pos;

  private ExpressionGrammar(String text) {
    this.text = text;
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      tokens.add(m.group());
    }
  }

  /**
   * Checks an expression and returns its units in written order.
   *
   * @throws NodeException.InvalidConditionException (code {@code INVALID_CONDITION}) saying where
   *     and what was expected
   */
  static List<Unit> parse(String text) {
    if (text == null || text.isBlank()) {
      throw new NodeException.InvalidConditionException("register-table expression is empty; write unit events"
          + " source:tag:amount joined by AND / OR, e.g. 'worker:update:3'");
    }
    ExpressionGrammar g = new ExpressionGrammar(text);
    g.or();
    if (g.pos < g.tokens.size()) {
      throw g.error("unexpected '" + g.tokens.get(g.pos) + "'");
    }
    return List.copyOf(g.units);
  }

  /** Checks one unit event's text and returns it. */
  static Unit unit(String text) {
    List<Unit> u = parse(text);
    if (u.size() != 1 || text.contains("(") || text.trim().contains(" ")) {
      throw new NodeException.InvalidConditionException("'" + text + "' is not one unit event source:tag:amount");
    }
    return u.get(0);
  }

  private void or() {
    and();
    while (keyword("OR")) {
      pos++;
      and();
    }
  }

  private void and() {
    primary();
    while (keyword("AND")) {
      pos++;
      primary();
    }
  }

  private void primary() {
    if (pos >= tokens.size()) {
      throw error("expression ends where a unit event or '(' was expected");
    }
    String t = tokens.get(pos);
    if (t.equals("(")) {
      pos++;
      or();
      if (pos >= tokens.size() || !tokens.get(pos).equals(")")) {
        throw error("missing ')'");
      }
      pos++;
      return;
    }
    String upper = t.toUpperCase(Locale.ROOT);
    if (t.equals(")") || upper.equals("AND") || upper.equals("OR")) {
      throw error("unexpected '" + t + "' where a unit event or '(' was expected");
    }
    Matcher m = UNIT.matcher(t);
    if (!m.matches()) {
      throw error("'" + t + "' is not a unit event source:tag:amount (amount N or N%, e.g."
          + " 'worker:update:3' or 'worker:update:60%')");
    }
    int amount = Integer.parseInt(m.group(3));
    boolean percent = !m.group(4).isEmpty();
    if (amount < 1 || (percent && amount > 100)) {
      throw error("amount of '" + t + "' must be " + (percent ? "1% to 100%" : "at least 1"));
    }
    pos++;
    units.add(new Unit(m.group(1), m.group(2), amount, percent));
  }

  private boolean keyword(String k) {
    return pos < tokens.size() && tokens.get(pos).toUpperCase(Locale.ROOT).equals(k);
  }

  private NodeException.InvalidConditionException error(String what) {
    return new NodeException.InvalidConditionException("register-table expression '" + text + "': " + what
        + " (at token " + (pos + 1) + ")");
  }
}
