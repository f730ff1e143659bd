package io.fedstream.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.examples.connection.ConnectionExample;
import io.fedstream.examples.federation.MessagingFederation;
import io.fedstream.node.NodeConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ported tutorials of FedRay (messaging) and XAIN (connection), run as the demos run them. */
@ExtendWith(FedStreamExtension.class)
class ExamplesIT {

  private static NodeConfig config(Platform platform) {
    return NodeConfig.builder().bootstrapServers(platform.bootstrapServers()).registryUrl(platform.registryUrl())
        .namespace(platform.newNamespace()).build();
  }

  @Test
  void messagingTutorial(Platform platform) {
    StringWriter text = new StringWriter();
    MessagingFederation.Report r = MessagingFederation.run(config(platform), 2, 3, Duration.ofSeconds(120),
        new PrintWriter(text));
    assertEquals(12, r.messages(), text.toString());
    assertEquals(Map.of("server", 6, "client-1", 3, "client-2", 3), r.receivedByNode(), text.toString());
    assertTrue(text.toString().contains("client-2  received \"Hello from server\" from server"), text.toString());
    assertTrue(text.toString().contains("server    received \"Hello from client-1\" from client-1"), text.toString());
  }

  @Test
  void connectionTutorial(Platform platform) {
    StringWriter text = new StringWriter();
    ConnectionExample.Report r = ConnectionExample.run(config(platform), 3, 3, new PrintWriter(text));
    assertEquals(9, r.instructions(), text.toString());
    // each round moves theta half-way to the samples-weighted mean of the targets, (14/6, -14/6)
    double expected = 14.0 / 6 * (1 - 0.125);
    assertEquals(expected, r.theta()[0], 1e-9);
    assertEquals(-expected, r.theta()[1], 1e-9);
    assertTrue(text.toString().contains("round 3  coordinator averaged theta=[2.042, -2.042]"), text.toString());
  }
}
