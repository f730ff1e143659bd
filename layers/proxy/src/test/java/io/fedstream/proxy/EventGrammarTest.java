package io.fedstream.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedstream.node.NodeException;
import io.fedstream.protocol.Expression;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The proxy checks events with the router's grammar (through the SDK): both accept and refuse the same texts. */
class EventGrammarTest {

  static final List<String> TEXTS = List.of(
      "worker:update:3", "worker:update:60%", "*:*:1", "w:x:100%", "w:x:101%", "w:x:0", "w:x:0%", "w:x:1234567890",
      "w:x", "w::1", ":x:1", "w:x:1%%", "w:x:-1", "w:x:1.5",
      "a:b:1 AND c:d:2", "a:b:1 and c:d:2", "a:b:1 Or c:d:2", "a:b:1 AND", "AND a:b:1", "a:b:1 c:d:2",
      "(a:b:1 AND c:d:2) OR e:f:3", "((a:b:1))", "(a:b:1", "a:b:1)", "()", "(a:b:1 OR (c:d:1 AND e:f:1%))",
      "a:b:1 AND OR c:d:1", "a:b:1 OR OR", "", "   ", "w.1:update:2", "w-1:up_date:2", "a:b:c:1", "a(b:c:1");

  @Test
  void eventsAcceptExactlyWhatTheRoutersParserAccepts() {
    for (String t : TEXTS) {
      boolean router = accepts(() -> Expression.parse(t));
      boolean proxy = accepts(() -> Event.parse(t));
      assertEquals(router, proxy, "'" + t + "': router " + (router ? "accepts" : "refuses"));
      if (router) {
        assertEquals(Expression.parse(t).units().size(), Event.parse(t).units().size(), t);
      }
    }
  }

  private static boolean accepts(Runnable r) {
    try {
      r.run();
      return true;
    } catch (NodeException.InvalidConditionException e) {
      return false;
    } catch (io.fedstream.schemas.FedStreamException e) {
      assertEquals("INVALID_CONDITION", e.code(), "the router's grammar fails with INVALID_CONDITION only");
      return false;
    }
  }
}
