package io.fedstream.examples.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.NodeConfig;
import io.fedstream.proxy.Message;
import io.fedstream.proxy.Session;
import io.fedstream.proxy.SessionStage;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The rollout example on a real broker and router. */
@ExtendWith(FedStreamExtension.class)
class RolloutExampleIT {

  static Router startRouter(Platform platform, String ns, Path dir) throws InterruptedException {
    Router router = Router.start(RouterConfig.of(
        RouterConfig.singleBroker(platform.bootstrapServers(), platform.registryUrl(), ns, dir)));
    assertTrue(router.awaitRunning(Duration.ofSeconds(90)), "router RUNNING");
    return router;
  }

  static NodeConfig config(Platform platform, String ns) {
    return NodeConfig.builder().bootstrapServers(platform.bootstrapServers()).registryUrl(platform.registryUrl())
        .namespace(ns).set(NodeConfig.HEARTBEAT_INTERVAL_MS, 200).set(NodeConfig.LIVENESS_TIMEOUT_MS, 3000).build();
  }

  @Test
  void masterAndThreeWorkersRunTheRollouts(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    StringWriter text = new StringWriter();
    RolloutExample.Report r;
    try (Router router = startRouter(platform, ns, dir)) {
      r = new RolloutExample(config(platform, ns), 3, 2, new PrintWriter(text, true)).run();
    }
    String printed = text.toString();
    assertEquals(List.of("worker.1", "worker.2", "worker.3"), r.checkIns().stream().sorted().toList());
    assertEquals(2, r.percentTriggers().size());
    for (List<Message> got : r.percentTriggers()) {
      assertTrue(got.size() >= 2, "60% of 3 workers is 2 updates: " + got);
      got.forEach(m -> assertEquals("update", m.tag()));
    }
    // every worker's dist handler got the broadcast rollouts of both rounds; worker.1 the sent one too
    r.workerRollouts().forEach((w, got) -> assertTrue(got.containsAll(List.of("rollout round 1", "rollout round 2")),
        w + " got " + got));
    assertTrue(r.workerRollouts().get("worker.1").contains("rollout round 3"));
    assertFalse(r.mixedTriggers().isEmpty(), "the mixed AND/OR event fired");
    assertEquals("update", r.sendReply().tag());
    Session send = r.stages().get("send");
    assertEquals(List.of(SessionStage.REQUEST, SessionStage.WORKING, SessionStage.RESULT),
        send.stages().stream().map(Session.Stage::stage).toList());
    Session round1 = r.stages().get("broadcast round 1");
    assertEquals(SessionStage.REQUEST, round1.stages().get(0).stage());
    assertTrue(round1.stages().stream().anyMatch(s -> s.stage() == SessionStage.RESULT), round1.path());
    assertTrue(printed.contains("[master] worker:update:60% got"), printed);
    assertTrue(printed.contains("[worker.2] onRollout got"), printed);
    assertTrue(printed.contains("check_in from worker.3"), printed);
  }
}
