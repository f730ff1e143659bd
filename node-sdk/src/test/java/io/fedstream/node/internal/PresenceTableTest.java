package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.PresenceStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PresenceTableTest {

  private static Heartbeat beat(String id, long sentAt, PresenceStatus status, String... groups) {
    return Heartbeat.newBuilder().setNodeId(id).setGroups(List.of(groups)).setRoles(List.of())
        .setRelationships(Map.of()).setHost("h").setStartedAt(Instant.EPOCH).setSentAt(Instant.ofEpochMilli(sentAt))
        .setIntervalMs(1000).setTimeoutMs(5000).setStatus(status).build();
  }

  @Test
  void countsFollowJoinsLeavesExpiryAndGroupChanges() {
    PresenceTable t = new PresenceTable();
    t.onHeartbeat("a", beat("a", 1000, PresenceStatus.ALIVE, "all", "x"), 1000);
    t.onHeartbeat("b", beat("b", 1000, PresenceStatus.ALIVE, "all"), 1000);
    t.onHeartbeat("c", beat("c", 1000, PresenceStatus.ALIVE, "all"), 1000);
    assertEquals(3, t.count("all"));
    assertEquals(1, t.count("x"));
    // an alive node changes its groups
    t.onHeartbeat("a", beat("a", 2000, PresenceStatus.ALIVE, "all", "y"), 2000);
    assertEquals(0, t.count("x"));
    assertEquals(1, t.count("y"));
    // leaving, a tombstone, expiry
    t.onHeartbeat("b", beat("b", 2500, PresenceStatus.LEAVING, "all"), 2500);
    t.onHeartbeat("c", null, 2500);
    assertEquals(1, t.count("all"));
    t.expire(2000 + 5001);
    assertEquals(0, t.count("all"));
    assertEquals(0, t.count("y"));
    // a heartbeat already older than its timeout when read does not count
    t.onHeartbeat("d", beat("d", 1000, PresenceStatus.ALIVE, "all"), 7000);
    assertEquals(0, t.count("all"));
  }

  @Test
  void rolesAndRelationshipsAreKeptAndTheirChangesAnnounced() {
    PresenceTable t = new PresenceTable();
    java.util.List<io.fedstream.node.PresenceEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    t.events().subscribe(events::add);
    Heartbeat hb = beat("a", 1000, PresenceStatus.ALIVE, "all");
    hb.setRoles(List.of("provider"));
    hb.setRelationships(Map.of("consumers", List.of("b/consumer")));
    t.onHeartbeat("a", hb, 1000);
    io.fedstream.node.MemberInfo info = t.info("a").orElseThrow();
    assertEquals(java.util.Set.of("provider"), info.roles());
    assertEquals(Map.of("consumers", java.util.Set.of("b/consumer")), info.relationships());
    t.onHeartbeat("a", hb, 1500); // the same again: no event
    Heartbeat changed = beat("a", 2000, PresenceStatus.ALIVE, "all");
    changed.setRoles(List.of("provider"));
    changed.setRelationships(Map.of("consumers", List.of("b/consumer", "c/consumer")));
    t.onHeartbeat("a", changed, 2000);
    assertEquals(List.of(io.fedstream.node.PresenceEvent.Type.JOINED, io.fedstream.node.PresenceEvent.Type.UPDATED),
        events.stream().map(io.fedstream.node.PresenceEvent::type).toList());
    assertEquals(java.util.Set.of("b/consumer", "c/consumer"), events.get(1).relationships().get("consumers"));
    assertEquals(1, t.infos().size());
  }

  @Test
  void countEqualsTheMemberSetUnderRandomTraffic() {
    PresenceTable t = new PresenceTable();
    Random r = new Random(7);
    String[][] choices = {{"all"}, {"all", "g1"}, {"g1"}, {"g2", "all"}};
    long now = 0;
    for (int i = 0; i < 20_000; i++) {
      now += r.nextInt(50);
      String id = "n" + r.nextInt(200);
      int what = r.nextInt(20);
      if (what == 0) {
        t.onHeartbeat(id, null, now);
      } else if (what == 1) {
        t.onHeartbeat(id, beat(id, now, PresenceStatus.LEAVING, choices[r.nextInt(choices.length)]), now);
      } else if (what == 2) {
        t.expire(now);
      } else {
        long sent = now - r.nextInt(7000);
        t.onHeartbeat(id, beat(id, sent, PresenceStatus.ALIVE, choices[r.nextInt(choices.length)]), now);
      }
      if (i % 97 == 0) {
        for (String g : List.of("all", "g1", "g2")) {
          assertEquals(t.members(g).size(), t.count(g), "group " + g + " after " + i + " changes");
        }
      }
    }
  }
}
