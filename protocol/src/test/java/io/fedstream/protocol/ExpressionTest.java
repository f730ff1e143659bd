package io.fedstream.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.schemas.FedStreamException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpressionTest {

  static int[] req(Expression e, int alive) {
    return e.units().stream().mapToInt(u -> u.required(alive)).toArray();
  }

  @Test
  void parsesUnitsWithAbsoluteAndPercentAmounts() {
    Expression e = Expression.parse("worker:update:10");
    assertEquals(1, e.units().size());
    assertEquals("worker", e.units().get(0).source());
    assertEquals(10, e.units().get(0).required(99));
    Expression p = Expression.parse("worker:update:60%");
    assertTrue(p.hasPercent());
    assertEquals(3, p.units().get(0).required(5), "ceil(60% of 5)");
    assertEquals(6, p.units().get(0).required(10));
    assertEquals(1, p.units().get(0).required(0), "never zero: an empty group still needs one message");
  }

  @Test
  void andBindsTighterThanOrAndParenthesesNest() {
    // MARO's combined_event_mix: ((w1:update:2, w2:update:3, AND), w3:update:1, OR)
    Expression e = Expression.parse("(worker_01:update:2 AND worker_02:update:3) OR worker_03:update:1");
    int[] r = req(e, 0);
    assertFalse(e.met(new int[] {2, 2, 0}, r));
    assertTrue(e.met(new int[] {2, 3, 0}, r));
    assertTrue(e.met(new int[] {0, 0, 1}, r));
    Expression noParens = Expression.parse("a:t:1 and b:t:1 or c:t:1");
    assertTrue(noParens.met(new int[] {0, 0, 1}, req(noParens, 0)));
    assertFalse(noParens.met(new int[] {1, 0, 0}, req(noParens, 0)));
    Expression nested = Expression.parse("a:t:1 AND (b:t:1 OR (c:t:1 AND d:t:1))");
    assertTrue(nested.met(new int[] {1, 0, 1, 1}, req(nested, 0)));
    assertFalse(nested.met(new int[] {1, 0, 1, 0}, req(nested, 0)));
  }

  @Test
  void longestPrefixSourceWinsAndWildcardsAreShortest() {
    Expression e = Expression.parse("worker:update:5 AND worker_01:update:1 AND *:update:9 AND worker:*:2");
    List<Expression.Unit> u = e.units();
    assertEquals(List.of(u.get(1)), e.matching("worker_01_a", "update"));
    assertEquals(List.of(u.get(0), u.get(3)), e.matching("worker_02", "update"),
        "same source length: both units count the message");
    assertEquals(List.of(u.get(3)), e.matching("worker_02", "stop"));
    assertEquals(List.of(u.get(2)), e.matching("master", "update"));
    assertEquals(List.of(), e.matching("master", "stop"));
  }

  @Test
  void rejectsWhatItCannotParse() {
    for (String bad : List.of("", "  ", "worker:update", "worker:update:x", "worker:update:0",
        "worker:update:101%", "a:b:1 AND", "AND a:b:1", "(a:b:1", "a:b:1)", "a:b:1 b:c:2",
        "a:b:1 XOR b:c:2", "a::1", ":b:1")) {
      FedStreamException ex = assertThrows(FedStreamException.class,
          () -> Expression.parse(bad), bad);
      assertTrue(ex.getMessage().contains("expression"), ex.getMessage());
      assertEquals("INVALID_CONDITION", ex.code());
    }
  }
}
