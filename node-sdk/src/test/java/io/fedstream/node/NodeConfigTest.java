package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

  private static Map<String, Object> minimal() {
    Map<String, Object> m = new HashMap<>();
    m.put(NodeConfig.BOOTSTRAP_SERVERS, "localhost:9092");
    m.put(NodeConfig.REGISTRY_URL, "http://localhost:8080/apis/ccompat/v7");
    m.put(NodeConfig.NAMESPACE, "demo");
    return m;
  }

  @Test
  void defaults() {
    NodeConfig c = NodeConfig.of(minimal());
    assertEquals(1024 * 1024, c.chunkSize());
    assertEquals(0, c.lingerMs());
    assertEquals(30_000L, c.requestTimeoutMs());
    assertEquals("earliest", c.mailboxReset());
    assertEquals(List.of(), c.groups());
    assertEquals("", c.hostId());
  }

  @Test
  void unknownKeysAreRejectedByName() {
    Map<String, Object> m = minimal();
    m.put("fedstream.chunksize", 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(m));
    assertTrue(e.getMessage().contains("fedstream.chunksize"), e.getMessage());
  }

  @Test
  void missingAndInvalidValuesAreRejected() {
    Map<String, Object> m = minimal();
    m.remove(NodeConfig.NAMESPACE);
    assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(m));
    Map<String, Object> bad = minimal();
    bad.put(NodeConfig.NAMESPACE, "Demo");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(bad)).getMessage().contains("upper-case"));
    Map<String, Object> chunk = minimal();
    chunk.put(NodeConfig.CHUNK_SIZE, 10 * 1024 * 1024);
    assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(chunk));
    Map<String, Object> live = minimal();
    live.put(NodeConfig.HEARTBEAT_INTERVAL_MS, 1000);
    live.put(NodeConfig.LIVENESS_TIMEOUT_MS, 1000);
    assertThrows(IllegalArgumentException.class, () -> NodeConfig.of(live));
  }

  @Test
  void securityAndClientSettingsPassThrough() {
    Map<String, Object> m = minimal();
    m.put("security.protocol", "SASL_SSL");
    m.put("sasl.mechanism", "SCRAM-SHA-512");
    m.put("ssl.truststore.location", "/x");
    m.put("producer.compression.type", "lz4");
    NodeConfig c = NodeConfig.of(m);
    assertEquals("SASL_SSL", c.clientSettings().get("security.protocol"));
    assertEquals(4, c.clientSettings().size());
  }

  @Test
  void groupsAreNormalisedAndNodeIdFallsBackAsHostId() {
    NodeConfig c = NodeConfig.builder().bootstrapServers("b:1").registryUrl("http://r").namespace("ns")
        .nodeId("client-1").groups("train_group").build();
    assertEquals(List.of("train-group"), c.groups());
    assertEquals("client-1", c.hostId());
    assertEquals(c.groups(), c.toBuilder().build().groups());
  }

  @Test
  void docsListEveryKey() throws Exception {
    String doc = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("sdk.md"));
    for (String key : NodeConfig.documentation().keySet()) {
      assertTrue(doc.contains("`" + key + "`"), "docs/sdk.md does not document " + key);
    }
  }
}
