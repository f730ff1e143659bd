package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.Registry;
import io.fedstream.testkit.RegistryExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The register table and groups: broadcasts count, and a unit's source may name a group. */
@ExtendWith(RegistryExtension.class)
class RegisterTableGroupsTopologyTest {

  Harness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  List<Envelope> triggers() {
    return h.mailboxEnvelopes().stream().filter(e -> e.getKind() == Kind.TRIGGER).toList();
  }

  List<String> gatheredIds(Envelope trigger) {
    return trigger.getPayloads().stream().map(p -> h.envelopes.decode(Topics.mailbox(h.ns),
        RouterContract.gatheredWireBytes(p)).getMessageId()).toList();
  }

  Envelope broadcast(String source, String group, String tag) {
    Envelope e = Harness.envelope(Kind.MESSAGE, source, null, tag, Map.of()).build();
    String topic = Topics.group(h.ns, group);
    h.pipe(topic, source, h.envelopes.encode(topic, e));
    return e;
  }

  @Test
  void aMessageBroadcastToAGroupCountsForItsRegisteringMembers(Registry r, @TempDir Path d) {
    h = new Harness(r.url(), d, Map.of());
    h.heartbeat("master", PresenceStatus.ALIVE, 10_000, "farm");
    h.heartbeat("outsider", PresenceStatus.ALIVE, 10_000, "elsewhere");
    h.register("master", "on-rollout", "coordinator:rollout:2");
    h.register("outsider", "never", "coordinator:rollout:1");
    Envelope a = broadcast("coordinator", "farm", "rollout");
    assertEquals(0, triggers().size(), "one of two; the outsider is not a member of 'farm'");
    Envelope b = h.send("coordinator", "master", "rollout");
    List<Envelope> t = triggers();
    assertEquals(1, t.size());
    assertEquals("master", t.get(0).getDestination());
    assertEquals(List.of(a.getMessageId(), b.getMessageId()), gatheredIds(t.get(0)),
        "the broadcast and the direct message, in arrival order");
    assertEquals(Topics.group(h.ns, "farm") + ":0:0", t.get(0).getPayloads().get(0).getName(),
        "the gathered broadcast is named by its position on the group topic");

    // the sender of a broadcast does not count its own message, even when it is a member
    h.register("master", "self", "master:note:1");
    broadcast("master", "farm", "note");
    assertEquals(0, triggers().size());
  }

  @Test
  void aPercentUnitWhoseSourceNamesAGroupFiresOnItsAliveMembers(Registry r, @TempDir Path d) {
    h = new Harness(r.url(), d, Map.of());
    for (String w : List.of("alice", "bob", "carol", "dave", "erin")) {
      h.heartbeat(w, PresenceStatus.ALIVE, 10_000, "rollout-farm");
    }
    h.heartbeat("mallory", PresenceStatus.ALIVE, 10_000, "other");
    // 60% of 5 alive members = 3
    h.register("master", "on-update", "rollout-farm:update:60%");
    h.send("alice", "master", "update");
    h.send("mallory", "master", "update"); // not a member: never counts
    h.send("bob", "master", "update");
    assertEquals(0, triggers().size());
    h.send("carol", "master", "update");
    List<Envelope> t = triggers();
    assertEquals(1, t.size());
    assertEquals(3, t.get(0).getPayloads().size());
    assertEquals("on-update", t.get(0).getAttributes().get(RoutedRecords.ATTR_REGISTRATION) == null
        ? null : t.get(0).getTag());

    // the base is the group as it is now: two leave, 60% of 3 rounds up to 2
    h.heartbeat("dave", PresenceStatus.LEAVING, 10_000, "rollout-farm");
    h.heartbeat("erin", PresenceStatus.LEAVING, 10_000, "rollout-farm");
    h.send("alice", "master", "update");
    assertEquals(0, triggers().size());
    h.send("dave", "master", "update"); // gone: no longer a member, does not count
    assertEquals(0, triggers().size());
    h.send("bob", "master", "update");
    assertEquals(1, triggers().size());
  }

  @Test
  void aPrefixLongerThanTheGroupNameWins(Registry r, @TempDir Path d) {
    h = new Harness(r.url(), d, Map.of());
    h.heartbeat("worker-01", PresenceStatus.ALIVE, 10_000, "farm");
    h.register("master", "h", "farm:update:1 AND worker-01:update:1");
    h.send("worker-01", "master", "update");
    assertEquals(0, triggers().size(), "'worker-01' (9 characters) is more specific than 'farm' (4)");
    h.heartbeat("w2", PresenceStatus.ALIVE, 10_000, "farm");
    h.send("w2", "master", "update");
    assertEquals(1, triggers().size());
  }
}
