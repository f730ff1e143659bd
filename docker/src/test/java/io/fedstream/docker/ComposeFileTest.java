package io.fedstream.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker/compose.yml is valid for Docker Compose ({@code docker-compose config}; no Docker engine is
 * needed for that) and agrees with the embedded platform: the same Kafka and registry versions as
 * the build, the same record size limit as broker-config's {@code server.properties}.
 */
class ComposeFileTest {

  private static final Path COMPOSE = Path.of(System.getProperty("fedstream.compose.file", "compose.yml"));

  private record Run(int exit, String out) {
  }

  private static Run run(List<String> cmd) throws Exception {
    Path out = Files.createTempFile("compose", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .directory(COMPOSE.getParent().toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(cmd + " did not finish within 120 s");
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** {@code docker-compose} (Debian's package), else the Docker CLI's {@code docker compose} plugin. */
  private static Optional<List<String>> compose() {
    for (List<String> c : List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
      try {
        List<String> version = new ArrayList<>(c);
        version.add("version");
        if (run(version).exit() == 0) {
          return Optional.of(c);
        }
      } catch (Exception e) {
        // not installed
      }
    }
    return Optional.empty();
  }

  @Test
  void dockerComposeAcceptsTheFile() throws Exception {
    Optional<List<String>> compose = compose();
    if (compose.isEmpty()) {
      // CI installs docker-compose (.ci/run); elsewhere it is optional, and its absence is reported, not hidden.
      assertTrue(System.getenv("CI") == null, "CI must have docker-compose: apt-get install -y docker-compose");
      assumeTrue(false, "docker-compose is not installed; skipped validating " + COMPOSE);
    }
    List<String> config = new ArrayList<>(compose.get());
    config.addAll(List.of("-f", COMPOSE.toString(), "--profile", "demo", "config"));
    Run r = run(config);
    assertEquals(0, r.exit(), "docker-compose config rejected " + COMPOSE + ":\n" + r.out());
    for (String service : List.of("kafka:", "registry:", "router:", "demo:")) {
      assertTrue(r.out().contains("\n  " + service), "service " + service + " in:\n" + r.out());
    }
    assertTrue(r.out().contains("condition: service_healthy"), "the router waits for a healthy Kafka");
  }

  @Test
  void composeRunsTheVersionsOfTheBuild() throws IOException {
    String yml = Files.readString(COMPOSE);
    assertTrue(yml.contains("image: apache/kafka:" + System.getProperty("fedstream.kafka.version")),
        "Kafka image matches kafka.version of the root pom");
    assertTrue(yml.contains("image: apicurio/apicurio-registry:" + System.getProperty("fedstream.apicurio.version")),
        "registry image matches apicurio.version of the root pom");
  }

  @Test
  void composeBrokerTakesChunkedPayloadsLikeTheEmbeddedOne() throws IOException {
    Properties embedded = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(System.getProperty("fedstream.broker.template")))) {
      embedded.load(in);
    }
    String yml = Files.readString(COMPOSE);
    assertEquals(embedded.getProperty("message.max.bytes"), env(yml, "KAFKA_MESSAGE_MAX_BYTES"));
    assertEquals(embedded.getProperty("replica.fetch.max.bytes"), env(yml, "KAFKA_REPLICA_FETCH_MAX_BYTES"));
    assertEquals(embedded.getProperty("auto.create.topics.enable"), env(yml, "KAFKA_AUTO_CREATE_TOPICS_ENABLE"));
  }

  private static String env(String yml, String key) {
    Matcher m = Pattern.compile("\\n\\s+" + key + ":\\s*\"?([^\"\\n]+)\"?").matcher(yml);
    assertTrue(m.find(), key + " in compose.yml");
    return m.group(1).trim();
  }
}
