package io.fedstream.protocol;

import io.fedstream.schemas.FedStreamException;
import io.fedstream.schemas.Limits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed MARO conditional event: unit events {@code source:tag:amount} combined with {@code AND}
 * and {@code OR} (either case) and parentheses. {@code AND} binds tighter than {@code OR}, as in
 * most languages; {@code a AND b OR c} is {@code (a AND b) OR c}.
 *
 * <p>An expression has at most {@link Limits#MAX_EXPRESSION_CHARS} characters and its
 * parentheses nest at most {@link Limits#MAX_EXPRESSION_DEPTH} levels, so neither parsing nor
 * evaluation recurses without a bound.
 *
 * <p>Units are numbered in the order they are written ({@link #units()}); counters and
 * required amounts are indexed the same way.
 */
public final class Expression {

  /** One unit event. {@code source} and {@code tag} are {@code "*"} for "any". */
  public record Unit(int index, String source, String tag, int amount, boolean percent) {

    /** Whether this unit's tag matches a message tag. */
    public boolean tagMatches(String messageTag) {
      return "*".equals(tag) || tag.equals(messageTag);
    }

    /** How specific this unit's source is for a message source; -1 when it does not match. */
    public int sourceSpecificity(String messageSource) {
      if ("*".equals(source)) {
        return 0;
      }
      return messageSource != null && messageSource.startsWith(source) ? source.length() : -1;
    }

    /** The amount needed now: absolute, or {@code ceil(percent * alive / 100)}, at least 1. */
    public int required(int alive) {
      if (!percent) {
        return amount;
      }
      long need = ((long) amount * alive + 99) / 100;
      return (int) Math.max(1, need);
    }

    @Override
    public String toString() {
      return source + ":" + tag + ":" + amount + (percent ? "%" : "");
    }
  }

  private sealed interface Node permits UnitNode, And, Or {
  }

  private record UnitNode(Unit unit) implements Node {
  }

  private record And(List<Node> parts) implements Node {
  }

  private record Or(List<Node> parts) implements Node {
  }

  /** A unit event's text: source, tag and amount separated by colons. */
  private static final Pattern UNIT = Pattern.compile("([^:\\s()]+):([^:\\s()]+):([0-9]{1,9})(%?)");
  private static final Pattern TOKEN = Pattern.compile("\\(|\\)|[^\\s()]+");

  private final String text;
  private final Node root;
  private final List<Unit> units;

  private Expression(String text, Node root, List<Unit> units) {
    this.text = text;
    this.root = root;
    this.units = Collections.unmodifiableList(units);
  }

  /**
   * Parses an expression.
   *
   * @param text for example {@code "worker:update:60% AND (master:rollout:1 OR *:stop:1)"}
   * @return the parsed expression
   * @throws FedStreamException (code {@code INVALID_CONDITION}) with the position and what was expected
   */
  public static Expression parse(String text) {
    if (text == null || text.isBlank()) {
      throw Invalid.condition("register-table expression is empty; write unit events"
          + " source:tag:amount joined by AND / OR, e.g. 'worker:update:3'");
    }
    if (text.length() > Limits.MAX_EXPRESSION_CHARS) {
      throw Invalid.condition("register-table expression has " + text.length()
          + " characters, more than the " + Limits.MAX_EXPRESSION_CHARS + " allowed: '"
          + Limits.quote(text) + "'");
    }
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      tokens.add(m.group());
    }
    Parser p = new Parser(text, tokens);
    Node root = p.or();
    if (p.pos < tokens.size()) {
      throw p.error("unexpected '" + Limits.quote(tokens.get(p.pos)) + "'");
    }
    return new Expression(text, root, p.units);
  }

  /** The units, in written order. */
  public List<Unit> units() {
    return units;
  }

  /** Whether any unit's amount is a percentage of the alive members of its source group. */
  public boolean hasPercent() {
    return units.stream().anyMatch(Unit::percent);
  }

  /**
   * The units a message counts for: among units whose tag matches, those whose source is the
   * longest prefix of the message source ({@code *} is the shortest). Several units tie only when
   * they name the same source; the message then counts for each of them.
   */
  public List<Unit> matching(String messageSource, String messageTag) {
    int best = -1;
    List<Unit> out = new ArrayList<>(1);
    for (Unit u : units) {
      if (!u.tagMatches(messageTag)) {
        continue;
      }
      int s = u.sourceSpecificity(messageSource);
      if (s < 0 || s < best) {
        continue;
      }
      if (s > best) {
        out.clear();
        best = s;
      }
      out.add(u);
    }
    return out;
  }

  /**
   * Evaluates the expression.
   *
   * @param counts messages gathered per unit index
   * @param required amount needed per unit index (see {@link Unit#required(int)})
   * @return whether the condition is met
   */
  public boolean met(int[] counts, int[] required) {
    return met(root, counts, required);
  }

  private static boolean met(Node n, int[] counts, int[] required) {
    if (n instanceof UnitNode u) {
      return counts[u.unit().index()] >= required[u.unit().index()];
    }
    if (n instanceof And a) {
      for (Node p : a.parts()) {
        if (!met(p, counts, required)) {
          return false;
        }
      }
      return true;
    }
    for (Node p : ((Or) n).parts()) {
      if (met(p, counts, required)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Walks the expression's AND / OR structure bottom-up, e.g. to copy it into another form.
   *
   * @param unit maps a unit event
   * @param and combines the results of an AND's parts (two or more, in written order)
   * @param or combines the results of an OR's parts (two or more, in written order)
   * @param <R> the result type
   * @return the result for the whole expression
   */
  public <R> R fold(java.util.function.Function<Unit, R> unit, java.util.function.Function<List<R>, R> and,
      java.util.function.Function<List<R>, R> or) {
    return fold(root, unit, and, or);
  }

  private static <R> R fold(Node n, java.util.function.Function<Unit, R> unit,
      java.util.function.Function<List<R>, R> and, java.util.function.Function<List<R>, R> or) {
    if (n instanceof UnitNode u) {
      return unit.apply(u.unit());
    }
    List<Node> parts = n instanceof And a ? a.parts() : ((Or) n).parts();
    List<R> out = new ArrayList<>(parts.size());
    for (Node p : parts) {
      out.add(fold(p, unit, and, or));
    }
    return n instanceof And ? and.apply(out) : or.apply(out);
  }

  @Override
  public String toString() {
    return text;
  }

  private static final class Parser {
    final String text;
    final List<String> tokens;
    final List<Unit> units = new ArrayList<>();
    int pos;
    int depth;

    Parser(String text, List<String> tokens) {
      this.text = text;
      this.tokens = tokens;
    }

    Node or() {
      List<Node> parts = new ArrayList<>();
      parts.add(and());
      while (peekKeyword("OR")) {
        pos++;
        parts.add(and());
      }
      return parts.size() == 1 ? parts.get(0) : new Or(List.copyOf(parts));
    }

    Node and() {
      List<Node> parts = new ArrayList<>();
      parts.add(primary());
      while (peekKeyword("AND")) {
        pos++;
        parts.add(primary());
      }
      return parts.size() == 1 ? parts.get(0) : new And(List.copyOf(parts));
    }

    Node primary() {
      if (pos >= tokens.size()) {
        throw error("expression ends where a unit event or '(' was expected");
      }
      String t = tokens.get(pos);
      if (t.equals("(")) {
        if (++depth > Limits.MAX_EXPRESSION_DEPTH) {
          throw error("parentheses nest deeper than " + Limits.MAX_EXPRESSION_DEPTH + " levels");
        }
        pos++;
        Node inner = or();
        depth--;
        if (pos >= tokens.size() || !tokens.get(pos).equals(")")) {
          throw error("missing ')'");
        }
        pos++;
        return inner;
      }
      if (t.equals(")") || isKeyword(t)) {
        throw error("unexpected '" + Limits.quote(t) + "' where a unit event or '(' was expected");
      }
      Matcher m = UNIT.matcher(t);
      if (!m.matches()) {
        throw error("'" + Limits.quote(t) + "' is not a unit event source:tag:amount (amount N or N%, e.g."
            + " 'worker:update:3' or 'worker:update:60%')");
      }
      int amount = Integer.parseInt(m.group(3));
      boolean percent = !m.group(4).isEmpty();
      if (amount < 1 || (percent && amount > 100)) {
        throw error("amount of '" + Limits.quote(t) + "' must be " + (percent ? "1% to 100%" : "at least 1"));
      }
      pos++;
      Unit u = new Unit(units.size(), m.group(1), m.group(2), amount, percent);
      units.add(u);
      return new UnitNode(u);
    }

    boolean peekKeyword(String k) {
      return pos < tokens.size() && tokens.get(pos).toUpperCase(Locale.ROOT).equals(k);
    }

    static boolean isKeyword(String t) {
      String u = t.toUpperCase(Locale.ROOT);
      return u.equals("AND") || u.equals("OR");
    }

    FedStreamException error(String what) {
      return Invalid.condition("register-table expression '" + Limits.quote(text) + "': " + what
          + " (at token " + (pos + 1) + ")");
    }
  }
}
