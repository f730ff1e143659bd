package io.fedstream.examples.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.NodeConfig;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** RoleML's tutorial, ported, on a real broker and router: every part's outcome as the seed states it. */
@ExtendWith(FedStreamExtension.class)
class RolesTutorialIT {

  static Router startRouter(Platform platform, String ns, Path dir) throws InterruptedException {
    Router router = Router.start(RouterConfig.of(
        RouterConfig.singleBroker(platform.bootstrapServers(), platform.registryUrl(), ns, dir)));
    assertTrue(router.awaitRunning(Duration.ofSeconds(90)), "router RUNNING");
    return router;
  }

  @Test
  void theFourPartsBehaveAsTheSeedSays(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    StringWriter text = new StringWriter();
    RolesTutorial.Report r;
    try (Router router = startRouter(platform, ns, dir)) {
      NodeConfig base = NodeConfig.builder().bootstrapServers(platform.bootstrapServers())
          .registryUrl(platform.registryUrl()).namespace(ns)
          .set(NodeConfig.HEARTBEAT_INTERVAL_MS, 200).set(NodeConfig.LIVENESS_TIMEOUT_MS, 3000).build();
      r = new RolesTutorial(base, Duration.ofSeconds(2), new PrintWriter(text, true)).run();
    }
    String printed = text.toString();
    // 1. service and task by the local fallback; a caller error
    assertEquals("helloworld", r.serviceTask().byRelationship());
    assertEquals("helloworld", r.serviceTask().byInstance());
    assertEquals(true, r.serviceTask().task());
    assertEquals("echo needs the argument 'comment'", r.serviceTask().callerError());
    // 2. by relationship, by id, a group call over three instances, calls spread
    assertEquals("helloworld", r.relationship().byRelationship());
    assertEquals(3, r.relationship().group().results().size());
    assertTrue(r.relationship().group().complete());
    assertEquals(30, r.servedByInstance().values().stream().mapToInt(Integer::intValue).sum());
    // 3. the seed's condition table, exactly
    assertEquals(Map.of("{'a': 1}", List.of("msg1"), "{'a__gt': 1}", List.of("msg2", "msg3"),
        "{'a__gt': 1, 'c': \"16\"}", List.of("msg3"), "{'d': 32}", List.of()), r.eventsByConditions());
    // 4. subscriptions follow the relationship; the local fallback stays
    assertTrue(r.followed().containsAll(List.of("watcher/sensor=0", "s1/sensor=1", "s2/sensor=2", "watcher/sensor=3",
        "s2/sensor=5", "watcher/sensor=6")), r.followed().toString());
    assertFalse(r.followed().contains("s1/sensor=4"), "s1 left the relationship: " + r.followed());
    assertTrue(printed.contains("| {'d': 32} | None |"), printed);
  }
}
