package io.fedstream.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * FedStream's broker settings, from the one source: the {@code server.properties} template of
 * {@link EmbeddedBroker} ({@value EmbeddedBroker#TEMPLATE}). The test-kit's in-JVM broker (tests,
 * benchmarks) applies the same settings, so record limits, topic creation and internal-topic
 * settings never differ between the brokers FedStream runs on.
 */
public final class BrokerSettings {

  /** Settings of a node's identity, listeners and directories: each broker sets its own. */
  private static final Set<String> PER_BROKER = Set.of("process.roles", "node.id", "controller.quorum.voters",
      "listeners", "advertised.listeners", "controller.listener.names", "inter.broker.listener.name",
      "listener.security.protocol.map", "log.dirs");

  private BrokerSettings() {
  }

  /**
   * The template's settings that do not name a node, a listener or a directory: record sizes,
   * replication of internal topics, no implicit topic creation, retention, rebalance delay.
   *
   * @return an unmodifiable sorted map
   * @throws UncheckedIOException if the template cannot be read (a broken build)
   */
  public static Map<String, String> shared() {
    Properties p = new Properties();
    try {
      p.load(new java.io.StringReader(template()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the broker settings template: " + e.getMessage(), e);
    }
    Map<String, String> out = new TreeMap<>();
    for (String k : p.stringPropertyNames()) {
      String v = p.getProperty(k).trim();
      if (!PER_BROKER.contains(k) && !v.contains("@")) {
        out.put(k, v);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Renders the single-node template.
   *
   * @param kafkaPort the client port
   * @param controllerPort the controller port
   * @param logDirs the partition directory
   * @return the properties text
   */
  public static String render(int kafkaPort, int controllerPort, Path logDirs) {
    return template()
        .replace("@NODE_ID@", "1")
        .replace("@HOST@", Ports.LOOPBACK)
        .replace("@KAFKA_PORT@", Integer.toString(kafkaPort))
        .replace("@CONTROLLER_PORT@", Integer.toString(controllerPort))
        .replace("@LOG_DIRS@", logDirs.toAbsolutePath().toString());
  }

  /** The single-node template as shipped, with its {@code @...@} tokens. */
  public static String template() {
    try (InputStream in = BrokerSettings.class.getResourceAsStream(EmbeddedBroker.TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException(EmbeddedBroker.TEMPLATE + " missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
