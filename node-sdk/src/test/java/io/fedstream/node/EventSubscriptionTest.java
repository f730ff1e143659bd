package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSubscriptionTest {

  @Test
  void defaultsAndNormalisedNames() {
    EventSubscription s = EventSubscription.to("event_source", "my_event");
    assertEquals("event-source", s.role());
    assertEquals("my-event", s.channel());
    assertEquals(List.of(), s.instances());
    assertEquals(EventSubscription.Mode.FOREVER, s.mode());
    assertEquals(Map.of(), s.conditions());
  }

  @Test
  void everyChangeIsANewValue() {
    EventSubscription base = EventSubscription.to("r", "c");
    EventSubscription s = base.instances("alice", "bob", "alice").once().where("a__gt", 1).where("c", "16");
    assertEquals(EventSubscription.Mode.FOREVER, base.mode());
    assertEquals(Map.of(), base.conditions());
    assertEquals(List.of("alice", "bob"), s.instances());
    assertEquals(EventSubscription.Mode.ONCE, s.mode());
    assertEquals(EventSubscription.Mode.FOREVER, s.forever().mode());
    assertEquals(1L, s.conditions().get("a__gt"), "ints are widened like message args");
    assertEquals(List.of("a__gt", "c"), List.copyOf(s.conditions().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> s.conditions().put("x", 1));
    assertEquals(s, base.instances("alice", "bob").once().where("a__gt", 1L).where("c", "16"));
    assertNotEquals(s, s.forever());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a__gt", 1);
    m.put("c", "16");
    assertEquals(s.conditions(), base.conditions(m).conditions());
  }

  @Test
  void everyOperatorSpellingIsAccepted() {
    for (String op : List.of("eq", "==", "gt", ">", "ge", ">=", "lt", "<", "le", "<=", "contains", "GT")) {
      assertTrue(EventSubscription.to("r", "c").where("a__" + op, 1).conditions().containsKey("a__" + op), op);
    }
    // split at the last "__": the key may itself contain "__" when an operator follows
    assertEquals(Map.of("my__key__eq", 3L), EventSubscription.to("r", "c").where("my__key__eq", 3).conditions());
  }

  @Test
  void badKeysAndLiteralsAreRejectedWithWhatToFix() {
    EventSubscription s = EventSubscription.to("r", "c");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.where("a__gtt", 1));
    assertTrue(e.getMessage().contains("unknown operator 'gtt'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.where("my__key", 1));
    assertTrue(e.getMessage().contains("my__key__eq"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.where("__gt", 1));
    assertTrue(e.getMessage().contains("no key"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.where("", 1));
    assertThrows(IllegalArgumentException.class, () -> s.where(null, 1));
    e = assertThrows(IllegalArgumentException.class, () -> s.where("a", new Object()));
    assertTrue(e.getMessage().contains("Arg 'a'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.conditions(Map.of("ok", 1, "b__between", 2)));
  }

  @Test
  void badNamesAndInstancesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> EventSubscription.to("Role", "c"));
    assertThrows(IllegalArgumentException.class, () -> EventSubscription.to("r", "my.channel"));
    assertThrows(IllegalArgumentException.class, () -> EventSubscription.to("", "c"));
    assertThrows(IllegalArgumentException.class, () -> EventSubscription.to("r", "c").instances("a", " "));
  }

  @Test
  void triggerSplitsEmbeddedMessagesFromReferences() {
    Message m = Message.builder().tag("update").build();
    Trigger t = new Trigger("reg", "h", "w:update:1", 2, List.of(
        new Trigger.Item("ns.mailbox:3:10", java.util.Optional.of(m)),
        new Trigger.Item("ns.mailbox:3:11", java.util.Optional.empty())));
    assertEquals(List.of(m), t.messages());
    assertEquals(List.of("ns.mailbox:3:11"), t.references());
    assertThrows(UnsupportedOperationException.class, () -> t.items().clear());
  }

  @Test
  void routerCodesMapToTheirExceptions() {
    assertTrue(NodeException.of(ErrorCode.INVALID_CONDITION, "x") instanceof NodeException.InvalidConditionException);
    assertTrue(NodeException.of(ErrorCode.REJECTED, "x") instanceof NodeException.RejectedException);
    assertEquals("INVALID_CONDITION", NodeException.of(ErrorCode.INVALID_CONDITION, "x").code());
  }
}
