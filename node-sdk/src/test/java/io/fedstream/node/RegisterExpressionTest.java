package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.protocol.Expression;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SDK's public view of a register-table expression is the router's grammar, structure included. */
class RegisterExpressionTest {

  static final List<String> TEXTS = List.of(
      "worker:update:3", "worker:update:60%", "*:*:1", "w:x:100%", "w:x:101%", "w:x:0", "w:x:0%", "w:x:1234567890",
      "w:x", "w::1", ":x:1", "w:x:1%%", "w:x:-1", "w:x:1.5",
      "a:b:1 AND c:d:2", "a:b:1 and c:d:2", "a:b:1 Or c:d:2", "a:b:1 AND", "AND a:b:1", "a:b:1 c:d:2",
      "(a:b:1 AND c:d:2) OR e:f:3", "((a:b:1))", "(a:b:1", "a:b:1)", "()", "(a:b:1 OR (c:d:1 AND e:f:1%))",
      "a:b:1 AND OR c:d:1", "a:b:1 OR OR", "", "   ", "w.1:update:2", "w-1:up_date:2", "a:b:c:1", "a(b:c:1");

  @Test
  void acceptsAndRefusesExactlyWhatTheRoutersParserDoes() {
    for (String t : TEXTS) {
      Expression router;
      try {
        router = Expression.parse(t);
      } catch (io.fedstream.schemas.FedStreamException e) {
        assertEquals("INVALID_CONDITION", e.code(), t);
        NodeException.InvalidConditionException ours =
            assertThrows(NodeException.InvalidConditionException.class, () -> RegisterExpression.parse(t), t);
        assertEquals(ErrorCode.INVALID_CONDITION, ours.errorCode(), t);
        assertEquals(e.getMessage(), ours.reason(), t);
        continue;
      }
      RegisterExpression ours = RegisterExpression.parse(t);
      assertEquals(router.units().stream().map(Object::toString).toList(),
          ours.units().stream().map(Object::toString).toList(), t);
    }
  }

  @Test
  void keepsTheAndOrStructureWithAndBindingTighter() {
    RegisterExpression e = RegisterExpression.parse("a:b:1 AND c:d:2 OR e:f:50%");
    RegisterExpression.Unit a = new RegisterExpression.Unit("a", "b", 1, false);
    RegisterExpression.Unit c = new RegisterExpression.Unit("c", "d", 2, false);
    RegisterExpression.Unit f = new RegisterExpression.Unit("e", "f", 50, true);
    assertEquals(new RegisterExpression.Any(List.of(new RegisterExpression.All(List.of(a, c)), f)), e.root());
    assertEquals(List.of(a, c, f), e.units());
    assertTrue(e.combined());
    assertEquals("a:b:1 AND c:d:2 OR e:f:50%", e.text());

    RegisterExpression single = RegisterExpression.parse("((*:update:3))");
    assertFalse(single.combined());
    assertEquals(new RegisterExpression.Unit("*", "update", 3, false), single.root());
    assertTrue(single.units().get(0).tagMatches("update"));
    assertFalse(RegisterExpression.parse("w:x:1").units().get(0).tagMatches("y"));
  }

  @Test
  void isImmutable() {
    RegisterExpression e = RegisterExpression.parse("a:b:1 OR c:d:2");
    assertThrows(UnsupportedOperationException.class, () -> e.units().clear());
    assertThrows(UnsupportedOperationException.class, () -> ((RegisterExpression.Any) e.root()).parts().clear());
  }
}
