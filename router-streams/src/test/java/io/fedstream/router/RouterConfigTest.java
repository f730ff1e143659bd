package io.fedstream.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

  static Map<String, Object> minimal() {
    return Map.of(RouterConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092",
        RouterConfig.REGISTRY_URL, "http://127.0.0.1:8080/apis/ccompat/v7",
        RouterConfig.NAMESPACE, "fed_one");
  }

  @Test
  void derivesApplicationIdAndFixesExactlyOnce() {
    java.util.HashMap<String, Object> m = new java.util.HashMap<>(minimal());
    m.put("streams.processing.guarantee", "at_least_once");
    m.put("streams.metadata.max.age.ms", "500");
    RouterConfig c = RouterConfig.of(m);
    assertEquals("fed-one", c.namespace());
    assertEquals("fedstream-router-fed-one", c.applicationId());
    Properties p = c.streamsProperties();
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
        "exactly_once_v2 cannot be overridden");
    assertEquals("500", p.get("metadata.max.age.ms"));
    assertEquals(16, c.mailboxPartitions());
    assertEquals(6, c.channelPartitions());
  }

  @Test
  void singleBrokerSettingsAreValidAndInMemory() {
    RouterConfig c = RouterConfig.of(RouterConfig.singleBroker("127.0.0.1:9092",
        "http://127.0.0.1:8080/apis/ccompat/v7", "fed_one", java.nio.file.Path.of("target", "single-broker")));
    assertTrue(c.inMemoryStores());
    Properties p = c.streamsProperties();
    assertEquals("1", String.valueOf(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)));
    assertEquals("1000", p.get("metadata.max.age.ms"));
    assertEquals("6000", p.get("consumer.session.timeout.ms"));
  }

  @Test
  void unknownKeysAreRejectedByName() {
    java.util.HashMap<String, Object> m = new java.util.HashMap<>(minimal());
    m.put("fedstream.namspace", "x");
    ConfigException e = assertThrows(ConfigException.class, () -> RouterConfig.of(m));
    assertTrue(e.getMessage().contains("fedstream.namspace"), e.getMessage());
  }

  @Test
  void requiredAndInvalidValuesAreRejected() {
    assertThrows(ConfigException.class, () -> RouterConfig.of(Map.of(RouterConfig.NAMESPACE, "a")));
    java.util.HashMap<String, Object> m = new java.util.HashMap<>(minimal());
    m.put(RouterConfig.NAMESPACE, "Upper");
    ConfigException e = assertThrows(ConfigException.class, () -> RouterConfig.of(m));
    assertTrue(e.getMessage().contains("upper-case"), e.getMessage());
    m.put(RouterConfig.NAMESPACE, "ok");
    m.put(RouterConfig.MAILBOX_PARTITIONS, "0");
    assertThrows(ConfigException.class, () -> RouterConfig.of(m));
  }

  @Test
  void everyKeyIsDocumented() {
    RouterConfig.definition().configKeys().values()
        .forEach(k -> assertTrue(k.documentation != null && !k.documentation.isBlank(), k.name));
  }

  @Test
  void clientSecuritySettingsReachEveryClient() {
    java.util.HashMap<String, Object> m = new java.util.HashMap<>(minimal());
    m.put("security.protocol", "SASL_SSL");
    m.put("sasl.mechanism", "SCRAM-SHA-512");
    m.put("ssl.truststore.type", "PEM");
    RouterConfig c = RouterConfig.of(m);
    assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
        "ssl.truststore.type", "PEM"), c.clientSecurity());
    assertEquals("SASL_SSL", c.streamsProperties().get("security.protocol"));
    assertTrue(RouterConfig.of(minimal()).clientSecurity().isEmpty());
  }
}
