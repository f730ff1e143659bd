package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.time.Duration;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

@ExtendWith(FedStreamExtension.class)
class PresenceIT {

  @Test
  void awaitMembersJoinAndLeave(Platform platform) {
    String ns = platform.newNamespace();
    try (Node server = Nodes.start(platform, ns, "server")) {
      StepVerifier.create(server.awaitMembers("clients", 2, Duration.ofMillis(800)))
          .expectError(NodeException.DeadlineExceededException.class)
          .verify(Nodes.WAIT);
      StepVerifier.create(server.presence().filter(e -> e.nodeId().startsWith("c")).take(3))
          .then(() -> {
            Node c1 = Nodes.start(platform, ns, "c1", "clients");
            Node c2 = Nodes.start(platform, ns, "c2", "clients");
            assertEquals(Set.of("c1", "c2"), server.awaitMembers("clients", 2, Nodes.WAIT).block(Nodes.WAIT));
            c1.close();
            c2.close();
          })
          .expectNextMatches(e -> e.type() == PresenceEvent.Type.JOINED && e.groups().contains("clients"))
          .expectNextMatches(e -> e.type() == PresenceEvent.Type.JOINED)
          .expectNextMatches(e -> e.type() == PresenceEvent.Type.LEFT)
          .expectComplete()
          .verify(Nodes.WAIT);
    }
  }

  @Test
  void aKilledNodeLeavesAfterTheLivenessTimeout(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    try (Node watcher = Nodes.start(platform, ns, "watcher")) {
      Process child = ChildNode.spawn("128m", "record", platform.bootstrapServers(), platform.registryUrl(), ns,
          "doomed", dir.resolve("state").toString(), dir.resolve("out.txt").toString(), "500");
      try {
        ChildNode.await(child, new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8)), "READY");
        StepVerifier.create(watcher.presence().filter(e -> e.nodeId().equals("doomed")).take(2))
            .expectNextMatches(e -> e.type() == PresenceEvent.Type.JOINED)
            .then(() -> child.destroyForcibly())
            // no tombstone from a killed process: the heartbeats stop and the 2 s liveness timeout decides
            .expectNextMatches(e -> e.type() == PresenceEvent.Type.LEFT)
            .expectComplete()
            .verify(Nodes.WAIT);
      } finally {
        child.destroyForcibly().waitFor();
      }
    }
  }
}
