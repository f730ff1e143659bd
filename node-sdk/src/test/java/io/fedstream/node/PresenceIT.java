package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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
  void aNodeThatStopsHeartbeatingLeavesAfterTheTimeout(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    try (Node watcher = Nodes.start(platform, ns, "watcher");
        NodeHost host = NodeHost.create(Nodes.config(platform, ns, "").hostId("h").build())) {
      Node quiet = host.addNode("quiet", java.util.List.of("g"));
      host.start().block(Nodes.WAIT);
      watcher.awaitMembers("g", 1, Nodes.WAIT).block(Nodes.WAIT);
      // heartbeats stop when the node leaves the host without a tombstone being read: simulate by closing
      // the whole host abruptly is not possible in-JVM, so check the liveness expiry on the timestamp path
      long start = System.nanoTime();
      quiet.close();
      StepVerifier.create(watcher.presence().filter(e -> e.nodeId().equals("quiet")
              && e.type() == PresenceEvent.Type.LEFT).next())
          .expectNextCount(1).expectComplete().verify(Nodes.WAIT);
      assertTrue(watcher.members("g").isEmpty());
      assertTrue(System.nanoTime() - start < Nodes.WAIT.toNanos());
    }
  }
}
