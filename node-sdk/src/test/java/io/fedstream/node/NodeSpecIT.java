package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FedStreamExtension.class)
class NodeSpecIT {

  @Test
  void heartbeatsCarryRolesAndRelationshipsAndTheirChanges(Platform platform) {
    String ns = platform.newNamespace();
    NodeSpec spec = NodeSpec.builder("alice").groups("sites").roles("provider", "consumer")
        .relationship("providers", "bob/provider").build();
    try (Node observer = Nodes.start(platform, ns, "observer");
        Node alice = Node.create(Nodes.config(platform, ns, "").build(), spec)) {
      alice.start().block(Nodes.WAIT);
      assertEquals(spec, alice.spec());
      MemberInfo seen = observer.presence().filter(e -> e.nodeId().equals("alice"))
          .map(e -> observer.memberInfo("alice").orElseThrow()).blockFirst(Nodes.WAIT);
      assertEquals(Set.of("provider", "consumer"), seen.roles());
      assertEquals(Map.of("providers", Set.of("bob/provider")), seen.relationships());
      assertEquals(Set.of("sites"), seen.groups());

      var updated = observer.presence().filter(e -> e.type() == PresenceEvent.Type.UPDATED
          && e.nodeId().equals("alice")).next().toFuture();
      alice.updateRelationships(Map.of("providers", List.of("bob/provider", "carol/provider"))).block(Nodes.WAIT);
      PresenceEvent e = updated.join();
      assertEquals(Set.of("bob/provider", "carol/provider"), e.relationships().get("providers"));
      assertEquals(Set.of("provider", "consumer"), e.roles());

      var removed = observer.presence().filter(x -> x.type() == PresenceEvent.Type.UPDATED
          && x.nodeId().equals("alice") && !x.relationships().get("providers").contains("bob/provider")).next().toFuture();
      alice.removeRelationship("providers", "bob/provider").block(Nodes.WAIT);
      assertEquals(Set.of("carol/provider"), removed.join().relationships().get("providers"));
      assertEquals(Map.of("providers", Set.of("carol/provider")), alice.spec().relationships());
    }
  }

  @Test
  void aHostAddsNodesFromSpecs(Platform platform) {
    String ns = platform.newNamespace();
    try (NodeHost host = NodeHost.create(Nodes.config(platform, ns, "").hostId("h").build());
        Node observer = Nodes.start(platform, ns, "observer")) {
      Node n = host.addNode(NodeSpec.builder("n1").groups("g").roles("aggregator").build());
      host.start().block(Nodes.WAIT);
      observer.awaitMembers("g", 1, Nodes.WAIT).block();
      assertEquals(Set.of("aggregator"), observer.memberInfo("n1").orElseThrow().roles());
      assertEquals(Set.of("g"), n.groups());
    }
  }
}
