package io.fedstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicContractTest {

  private static final Pattern ROW = Pattern.compile(
      "^\\| `(\\{ns}[^`]*)` \\| ([^|]+) \\| ([^|]+) \\| (\\d+) \\| ([^|]+) \\|");

  private static Map<String, String[]> documentedRows() throws IOException {
    Path md = Path.of(System.getProperty("fedstream.topics.md", "TOPICS.md"));
    Map<String, String[]> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(md)) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        String name = m.group(1).replace("{ns}", "ns1").replace("{group}", "grp1")
            .replace("{role}", "role1").replace("{channel}", "chan1")
            .replace("{site}", "site1").replace("{project}", "proj1");
        rows.put(name, new String[] {m.group(4), m.group(5).trim()});
      }
    }
    return rows;
  }

  private static Map<String, TopicSettings> codeTopics() {
    Map<String, TopicSettings> names = new LinkedHashMap<>();
    for (String n : new String[] {
        Topics.mailbox("ns1"), Topics.group("ns1", "grp1"), Topics.channel("ns1", "role1", "chan1"),
        Topics.events("ns1", "role1"), Topics.presence("ns1"), Topics.liveness("ns1"),
        Topics.subscriptions("ns1"), Topics.conditionalEvents("ns1"), Topics.sites("ns1"),
        Topics.projects("ns1"), Topics.runs("ns1"), Topics.deadLetter("ns1"),
        Topics.siteCommands("ns1", "site1"), Topics.siteInbox("ns1", "site1"),
        Topics.siteStatus("ns1", "site1"), Topics.siteLogs("ns1", "site1"),
        Topics.projectEvents("ns1", "proj1")}) {
      names.put(n, TopicSettings.forTopic(n));
    }
    return names;
  }

  @Test
  void everyTopicInCodeIsDocumentedWithItsPartitionsAndCleanup() throws IOException {
    Map<String, String[]> doc = documentedRows();
    Map<String, TopicSettings> code = codeTopics();
    assertEquals(code.keySet(), doc.keySet(), "topic names in TOPICS.md and Topics.java differ");
    code.forEach((name, settings) -> {
      String[] row = doc.get(name);
      assertEquals(Integer.toString(settings.partitions()), row[0], "partitions of " + name);
      assertTrue(row[1].startsWith(settings.configs().get("cleanup.policy")),
          "cleanup of " + name + ": doc says '" + row[1] + "'");
    });
  }

  /** TOPICS.md's "Creating topics" table: topic kind (second name part) to its configs. */
  private static Map<String, Map<String, String>> documentedConfigs() throws IOException {
    Path md = Path.of(System.getProperty("fedstream.topics.md", "TOPICS.md"));
    Pattern row = Pattern.compile("^\\| ([a-z, -]+) \\| (`[a-z.]+=[^`]+`(?:, `[a-z.]+=[^`]+`)*) \\|$");
    Pattern setting = Pattern.compile("`([a-z.]+)=([^`]+)`");
    Map<String, Map<String, String>> byKind = new LinkedHashMap<>();
    for (String line : Files.readAllLines(md)) {
      Matcher m = row.matcher(line);
      if (m.find()) {
        Map<String, String> configs = new LinkedHashMap<>();
        Matcher s = setting.matcher(m.group(2));
        while (s.find()) {
          configs.put(s.group(1), s.group(2));
        }
        for (String kind : m.group(1).split(",")) {
          byKind.put(kind.trim(), configs);
        }
      }
    }
    return byKind;
  }

  @Test
  void everyCreationRequestHasTheDocumentedPartitionsAndConfigs() throws IOException {
    Map<String, String[]> doc = documentedRows();
    Map<String, Map<String, String>> configs = documentedConfigs();
    assertEquals(12, configs.size(), "kinds in TOPICS.md's configs table: " + configs.keySet());
    int checked = 0;
    for (String name : codeTopics().keySet()) {
      NewTopic t = TopicSettings.newTopic(name);
      assertEquals(name, t.name());
      assertEquals(Integer.parseInt(doc.get(name)[0]), t.numPartitions(), "partitions of " + name);
      assertEquals(-1, t.replicationFactor(), "the broker's default replication factor for " + name);
      String kind = name.split("\\.")[1];
      if (configs.containsKey(kind)) {
        assertEquals(configs.get(kind), t.configs(), "configs of " + name);
        checked++;
      } else {
        assertEquals(TopicSettings.SITE.configs(), t.configs(), "configs of " + name);
      }
    }
    assertEquals(12, checked, "topics whose configs TOPICS.md's table gives");
  }

  @Test
  void creationRequestsAreFreshCopies() {
    NewTopic a = TopicSettings.newTopic("ns1.mailbox");
    a.configs().put("retention.ms", "1");
    assertEquals(TopicSettings.MAILBOX.configs(), TopicSettings.newTopic("ns1.mailbox").configs());
    assertEquals(a.name(), TopicSettings.MAILBOX.withPartitions(3).asNewTopic("ns1.mailbox").name());
    assertEquals(3, TopicSettings.MAILBOX.withPartitions(3).asNewTopic("ns1.mailbox").numPartitions());
  }

  @Test
  void everyTopicBuilderIsCoveredByTheTest() {
    long builders = Arrays.stream(Topics.class.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
        .filter(m -> m.getReturnType() == String.class)
        .map(Method::getName)
        .filter(n -> !n.equals("normalise") && !n.equals("requireName") && !n.equals("roleConsumerGroup"))
        .count();
    assertEquals(codeTopics().size(), builders,
        "a topic builder was added to Topics without a row in TOPICS.md and in this test");
  }

  @Test
  void namesAreNormalisedAndValidated() {
    assertEquals("fed.channel.service-provider.heavy-job",
        Topics.channel("fed", "service_provider", "heavy_job"));
    IllegalArgumentException upper = assertThrows(IllegalArgumentException.class,
        () -> Topics.mailbox("Fed"));
    assertTrue(upper.getMessage().contains("upper-case"), upper.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Topics.group("fed", "a.b"));
    assertThrows(IllegalArgumentException.class, () -> Topics.group("fed", ""));
    assertThrows(IllegalArgumentException.class, () -> Topics.mailbox("x".repeat(250)));
  }

  @Test
  void unknownTopicHasNoSettings() {
    assertThrows(IllegalArgumentException.class, () -> TopicSettings.forTopic("ns1.unknown"));
  }
}
