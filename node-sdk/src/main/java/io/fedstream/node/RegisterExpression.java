package io.fedstream.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed register-table expression (see {@link Node#register}), checked with the router's own
 * grammar: unit events {@code source:tag:amount} (amount {@code N} at least 1, or {@code N%} from
 * 1 to 100; {@code *} for any source or tag) joined by {@code AND} / {@code OR} (either case) and
 * parentheses, {@code AND} binding tighter ({@code a AND b OR c} is {@code (a AND b) OR c}).
 *
 * <p>Immutable and thread-safe. Layers use it to check an expression before anything is written
 * and to know which messages its units gather.
 */
public final class RegisterExpression {

  /** A part of an expression: a {@link Unit}, an {@link All} (AND) or an {@link Any} (OR). */
  public sealed interface Term permits Unit, All, Any {
  }

  /**
   * One unit event.
   *
   * @param source the sender's name prefix or group name, {@code "*"} for any source
   * @param tag the message tag, {@code "*"} for any tag
   * @param amount a count (at least 1) or, when {@code percent}, a percentage (1 to 100)
   * @param percent whether {@code amount} is a percentage of the source's alive peers
   */
  public record Unit(String source, String tag, int amount, boolean percent) implements Term {

    /**
     * Whether this unit's tag matches a message tag.
     *
     * @param messageTag the message's tag; {@code null} matches only {@code "*"}
     * @return true for {@code "*"} or an equal tag
     */
    public boolean tagMatches(String messageTag) {
      return "*".equals(tag) || tag.equals(messageTag);
    }

    /** The unit's text, e.g. {@code worker:update:60%}. */
    @Override
    public String toString() {
      return source + ":" + tag + ":" + amount + (percent ? "%" : "");
    }
  }

  /**
   * Met when every part is met ({@code AND}).
   *
   * @param parts two or more parts, in written order (an unmodifiable list)
   */
  public record All(List<Term> parts) implements Term {
    /** Copies the parts into an unmodifiable list. */
    public All {
      parts = List.copyOf(parts);
    }
  }

  /**
   * Met when any part is met ({@code OR}).
   *
   * @param parts two or more parts, in written order (an unmodifiable list)
   */
  public record Any(List<Term> parts) implements Term {
    /** Copies the parts into an unmodifiable list. */
    public Any {
      parts = List.copyOf(parts);
    }
  }

  private final String text;
  private final Term root;
  private final List<Unit> units;

  private RegisterExpression(String text, Term root, List<Unit> units) {
    this.text = text;
    this.root = root;
    this.units = List.copyOf(units);
  }

  /**
   * Parses an expression with the router's grammar.
   *
   * @param text for example {@code "worker:update:60% AND (master:rollout:1 OR *:stop:1)"}
   * @return the parsed expression; its {@link #text()} is {@code text} as given
   * @throws NodeException.InvalidConditionException (code {@code INVALID_CONDITION}) when the text
   *     is null, blank, too long, nested too deep or does not parse, saying where and what was
   *     expected; the same message the router would send back
   */
  public static RegisterExpression parse(String text) {
    io.fedstream.protocol.Expression e;
    try {
      e = io.fedstream.protocol.Expression.parse(text);
    } catch (io.fedstream.schemas.FedStreamException ex) {
      throw invalid(ex);
    }
    List<Unit> units = new ArrayList<>();
    Term root = e.<Term>fold(u -> {
      Unit unit = new Unit(u.source(), u.tag(), u.amount(), u.percent());
      units.add(unit);
      return unit;
    }, All::new, Any::new);
    return new RegisterExpression(text, root, units);
  }

  /** The protocol's INVALID_CONDITION failure as the SDK's exception; any other failure as it is. */
  static RuntimeException invalid(io.fedstream.schemas.FedStreamException ex) {
    return io.fedstream.schemas.ErrorRegistry.INVALID_CONDITION.isCodeOf(ex)
        ? new NodeException.InvalidConditionException(ex.getMessage()) : ex;
  }

  /** The text as given to {@link #parse}. */
  public String text() {
    return text;
  }

  /** The expression's structure: a single {@link Unit}, or an {@link All} / {@link Any} of parts. */
  public Term root() {
    return root;
  }

  /** The unit events in written order (an unmodifiable list, at least one). */
  public List<Unit> units() {
    return units;
  }

  /** Whether the expression is more than one unit event (its root is an AND or an OR). */
  public boolean combined() {
    return !(root instanceof Unit);
  }

  /** Equal when the texts are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RegisterExpression r && r.text.equals(text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text);
  }

  /** The text as given. */
  @Override
  public String toString() {
    return text;
  }
}
