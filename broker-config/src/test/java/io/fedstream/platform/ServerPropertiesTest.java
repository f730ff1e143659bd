package io.fedstream.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.schemas.TopicSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerPropertiesTest {

  private static Properties load(String text) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }

  private static Properties resource(String name) throws IOException {
    try (InputStream in = ServerPropertiesTest.class.getResourceAsStream("/io/fedstream/platform/" + name)) {
      assertNotNull(in, name + " missing");
      Properties p = new Properties();
      p.load(in);
      return p;
    }
  }

  @Test
  void singleNodeTemplateRendersAKraftCombinedNodeOnLoopback() throws IOException {
    String text = BrokerSettings.render(19092, 19093, Path.of("/tmp/x/kafka/data"));
    assertFalse(text.lines().filter(l -> !l.startsWith("#")).anyMatch(l -> l.matches(".*@[A-Z_]+@.*")),
        "every @TOKEN@ outside comments is replaced:\n" + text);
    Properties p = load(text.replace("1@127", "1_127"));
    assertEquals("broker,controller", p.getProperty("process.roles"));
    assertEquals("1_127.0.0.1:19093", p.getProperty("controller.quorum.voters"));
    assertEquals("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093", p.getProperty("listeners"));
    assertEquals("PLAINTEXT://127.0.0.1:19092", p.getProperty("advertised.listeners"));
    assertEquals("/tmp/x/kafka/data", p.getProperty("log.dirs"));
    assertEquals("1", p.getProperty("offsets.topic.replication.factor"));
    assertEquals("false", p.getProperty("auto.create.topics.enable"));
  }

  @Test
  void singleNodeTakesTheLargestContractRecordWithOverhead() throws IOException {
    assertFitsChunks(load(BrokerSettings.template()));
  }

  @Test
  void threeBrokerVariantIsOneQuorumOfThreeWithLargeRecords() throws IOException {
    Set<String> voters = new HashSet<>();
    Set<String> listeners = new HashSet<>();
    Set<String> nodeIds = new HashSet<>();
    for (int i = 1; i <= 3; i++) {
      Properties p = resource("three-broker/broker-" + i + ".properties");
      assertEquals(Integer.toString(i), p.getProperty("node.id"));
      assertEquals("broker,controller", p.getProperty("process.roles"));
      assertEquals("3", p.getProperty("default.replication.factor"));
      assertEquals("2", p.getProperty("min.insync.replicas"));
      assertTrue(p.getProperty("controller.quorum.voters").contains(i + "@127.0.0.1:" + i + "9093"));
      voters.add(p.getProperty("controller.quorum.voters"));
      listeners.add(p.getProperty("listeners"));
      nodeIds.add(p.getProperty("node.id"));
      assertFitsChunks(p);
    }
    assertEquals(1, voters.size(), "all three name the same voters");
    assertEquals(3, listeners.size(), "each has its own ports");
    assertEquals(3, nodeIds.size());
  }

  @Test
  void theSharedSettingsAreTheTemplatesWithoutItsPerBrokerOnes() throws Exception {
    Map<String, String> shared = BrokerSettings.shared();
    Properties template = resource("server.properties");
    assertEquals(template.getProperty("message.max.bytes"), shared.get("message.max.bytes"));
    assertEquals("false", shared.get("auto.create.topics.enable"));
    assertTrue(!shared.containsKey("listeners") && !shared.containsKey("node.id") && !shared.containsKey("log.dirs"));
    shared.values().forEach(v -> assertTrue(!v.contains("@"), "no placeholder: " + v));
    Properties asProps = new Properties();
    asProps.putAll(shared);
    assertFitsChunks(asProps);
  }

  private static void assertFitsChunks(Properties p) {
    int max = Integer.parseInt(p.getProperty("message.max.bytes"));
    assertTrue(max > TopicSettings.MAX_MESSAGE_BYTES,
        "message.max.bytes " + max + " must exceed the contract's " + TopicSettings.MAX_MESSAGE_BYTES);
    assertTrue(max - TopicSettings.MAX_MESSAGE_BYTES >= 16 * 1024, "room for batch overhead and headers");
    assertTrue(Integer.parseInt(p.getProperty("replica.fetch.max.bytes")) >= max,
        "replicas must fetch the largest batch");
  }
}
