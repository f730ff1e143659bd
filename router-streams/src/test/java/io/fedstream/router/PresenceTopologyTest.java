package io.fedstream.router;

import io.fedstream.schemas.RoutedRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Liveness;
import io.fedstream.avro.LivenessState;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.Registry;
import io.fedstream.testkit.RegistryExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RegistryExtension.class)
class PresenceTopologyTest {

  Harness h;

  @BeforeEach
  void start(Registry registry, @TempDir Path dir) {
    h = new Harness(registry.url(), dir, Map.of(RouterConfig.PRESENCE_CHECK_INTERVAL_MS, "100"));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  List<Liveness> liveness() {
    return h.liveness.readValuesToList().stream()
        .map(v -> h.livenessWire.decode(Topics.liveness(h.ns), v)).toList();
  }

  List<String> presenceEvents() {
    return h.decode(h.presenceEvents, Topics.events(h.ns, "presence")).stream()
        .map(e -> e.getTag() + ":" + e.getSource() + ":" + e.getArgs().get("reason").getV()).toList();
  }

  @Test
  void heartbeatsMakeANodeAliveThenSilenceSuspectThenGone() {
    h.heartbeat("n1", PresenceStatus.ALIVE, 1_000, "workers");
    List<Liveness> l = liveness();
    assertEquals(1, l.size());
    assertEquals(LivenessState.ALIVE, l.get(0).getState());
    assertEquals(List.of("workers"), l.get(0).getGroups());
    assertEquals(List.of("join:n1:heartbeat"), presenceEvents());

    h.advance(Duration.ofMillis(500));
    h.heartbeat("n1", PresenceStatus.ALIVE, 1_000, "workers");
    assertEquals(0, liveness().size(), "no change, no liveness record");

    h.advance(Duration.ofMillis(1_200));
    assertEquals(List.of(LivenessState.SUSPECT), liveness().stream().map(Liveness::getState).toList());
    h.heartbeat("n1", PresenceStatus.ALIVE, 1_000, "workers");
    assertEquals(List.of(LivenessState.ALIVE), liveness().stream().map(Liveness::getState).toList());
    assertEquals(List.of(), presenceEvents(), "back from SUSPECT is not a join");

    h.advance(Duration.ofMillis(1_200));
    h.advance(Duration.ofMillis(2_000));
    assertEquals(List.of(LivenessState.SUSPECT, LivenessState.GONE),
        liveness().stream().map(Liveness::getState).toList());
    assertEquals(List.of("leave:n1:timeout"), presenceEvents());

    h.heartbeat("n1", PresenceStatus.ALIVE, 1_000, "workers");
    assertEquals(List.of("join:n1:heartbeat"), presenceEvents(), "GONE then a heartbeat is a join");
  }

  @Test
  void leavingAndTombstonesAreLeaveEvents() {
    h.heartbeat("n1", PresenceStatus.ALIVE, 10_000);
    h.heartbeat("n2", PresenceStatus.ALIVE, 10_000);
    h.heartbeat("n1", PresenceStatus.LEAVING, 10_000);
    h.pipe(Topics.presence(h.ns), "n2", null);
    h.pipe(Topics.presence(h.ns), "never-seen", null);
    assertEquals(List.of("join:n1:heartbeat", "join:n2:heartbeat", "leave:n1:left", "leave:n2:left"),
        presenceEvents());
    List<Liveness> l = liveness();
    assertEquals(LivenessState.GONE, l.get(l.size() - 1).getState());
  }

  @Test
  void joinAndLeaveAreEventsNodesCanSubscribeTo() {
    h.subscribe("watcher", RoutedRecords.PRESENCE_ROLE, RoutedRecords.JOIN_CHANNEL,
        SubscriptionMode.FOREVER, Map.of());
    h.heartbeat("n1", PresenceStatus.ALIVE, 10_000, "g");
    // the router's own presence events topic is one of its event inputs
    List<byte[]> events = h.presenceEvents.readValuesToList();
    assertEquals(1, events.size());
    h.pipe(Topics.events(h.ns, RoutedRecords.PRESENCE_ROLE), "n1", events.get(0));
    List<Envelope> got = h.mailboxEnvelopes();
    assertTrue(got.stream().anyMatch(e -> e.getDestination().equals("watcher")
        && e.getTag().equals("join") && e.getSource().equals("n1")), got.toString());
  }

  @Test
  void anUndecodableHeartbeatIsDeadLettered() {
    h.pipe(Topics.presence(h.ns), "n1", new byte[] {1, 2, 3});
    assertEquals("DECODE", SubscriptionTopologyTest.header(h.dlq.readRecord(),
        io.fedstream.schemas.RecordHeaders.DLQ_CODE));
    h.heartbeat("n1", PresenceStatus.ALIVE, 10_000);
    assertEquals(1, liveness().size());
  }
}
