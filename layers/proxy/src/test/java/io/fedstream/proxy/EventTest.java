package io.fedstream.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTest {

  @Test
  void marosTuplesReadAsTheyAreWritten() {
    Event and = Event.of("worker_01:update:2", "worker_02:update:3", "AND");
    Event or = Event.of("worker_03:update:1", "worker_04:update:5", "OR");
    Event mix = Event.of(Event.of("worker_01:update:2", "worker_02:update:3", "AND"), "worker_03:update:1", "OR");
    assertEquals("worker_01:update:2 AND worker_02:update:3", and.expression());
    assertEquals("worker_03:update:1 OR worker_04:update:5", or.expression());
    assertEquals("(worker_01:update:2 AND worker_02:update:3) OR worker_03:update:1", mix.expression());
    assertEquals(mix, Event.or(Event.and("worker_01:update:2", "worker_02:update:3"), "worker_03:update:1"));
    assertEquals(mix, Event.parse("(worker_01:update:2 AND worker_02:update:3) OR worker_03:update:1"));
    assertEquals("worker:update:60%", Event.of("worker:update:60%").expression());
    assertEquals("a:b:1 and c:d:2", Event.of("a:b:1", "c:d:2", "and").expression().toLowerCase());
    assertEquals(3, mix.units().size());
  }

  @Test
  void badEventsFailWithInvalidCondition() {
    List<Runnable> bad = List.of(
        () -> Event.of("worker:update"),
        () -> Event.of("worker:update:0"),
        () -> Event.of("worker:update:101%"),
        () -> Event.of("a:b:1 AND c:d:1"),
        () -> Event.of("a:b:1", "c:d:1"),
        () -> Event.of("a:b:1", "c:d:1", "XOR"),
        () -> Event.of("a:b:1", 3, "AND"),
        () -> Event.and("a:b:1"),
        () -> Event.parse("(a:b:1"),
        () -> Event.parse("a:b:1 OR"),
        () -> Event.parse(" "));
    for (Runnable r : bad) {
      NodeException e = assertThrows(NodeException.class, r::run);
      assertEquals(ErrorCode.INVALID_CONDITION, e.errorCode(), e.getMessage());
    }
  }

  @Test
  void messagesCarryGeneratedIdsAndTheirSessionType() {
    Message m = new Message("check_in", "worker_001", "master", "");
    Message other = new Message("check_in", "worker_001", "master", "");
    assertEquals(SessionType.NOTIFICATION, m.sessionType());
    assertEquals(36, m.messageId().length());
    assertEquals(false, m.messageId().equals(other.messageId()) || m.sessionId().equals(other.sessionId()));
    assertEquals(SessionType.TASK, new SessionMessage("sum", "master", "worker_001", List.of(0, 1, 2)).sessionType());
    assertEquals(SessionType.NOTIFICATION,
        new SessionMessage("check_out", "worker_001", "master", "", SessionType.NOTIFICATION).sessionType());
    assertThrows(IllegalArgumentException.class, () -> new Message(" ", null, null, null));
  }
}
