package io.fedstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code fedstream demo project --secure} on a secured embedded platform ({@code up --secure}): the
 * three sites connect with their own kits and principals, the project's runs end as on the plain
 * platform, and every model payload is sealed. The demo puts a marker into every payload; afterwards
 * the router's state directory (RocksDB and checkpoint files), its log, its changelog topics, every
 * topic of the namespace and the broker's log segments are searched for it (R5: none may hold a
 * plaintext payload). Positive controls show that each search finds the marker where it is in clear.
 */
class SecuredProjectDemoIT {

  private static final Pattern BOOTSTRAP = Pattern.compile("bootstrap servers:\\s+(\\S+)");
  private static final Pattern SEALED = Pattern.compile("Sealed end to end .*: (\\d+) messages sent, ([\\d,]+) bytes"
      + " of payload sealed into ([\\d,]+); (\\d+) received and opened");
  private static final Pattern SYNC = Pattern.compile("ACL sync \\(project readmission: hospital-a, hospital-b,"
      + " hospital-c\\): (\\d+) created");

  @Test
  void theProjectDemoRunsSecuredAndLeavesNoPlaintextPayload() throws Exception {
    Path dataDir = Files.createTempDirectory("fedstream-secured-demo-it");
    String marker = "R5-MARKER-" + UUID.randomUUID();
    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    try {
      Cli.Result up = Cli.fedstream(600, "up", "--secure", "--data-dir", dataDir.toString(), "--kafka-port", "0",
          "--controller-port", "0", "--registry-port", "0");
      assertEquals(0, up.exit(), up.toString());
      Matcher b = BOOTSTRAP.matcher(up.out());
      assertTrue(b.find(), up.out());
      String bootstrap = b.group(1);

      // The platform's own router serves namespace 'demo' with RocksDB stores in DATA-DIR/router/state.
      Cli.Result demo = Cli.fedstream(900, "demo", "project", "--secure", "--no-router", "--namespace", "demo",
          "--data-dir", dataDir.toString(), "--payload-marker", marker);
      System.out.println(demo.out());
      assertEquals(0, demo.exit(), demo.toString());
      String out = demo.out();
      for (String site : List.of("hospital-a", "hospital-b", "hospital-c")) {
        assertTrue(out.contains("site add " + site + ": principal User:" + site), out);
      }
      assertTrue(out.contains("run readmission.1 ended SUCCESS"), out);
      assertTrue(out.contains("run readmission.2 ended FAILED: hospital-c: local dataset unreadable"), out);
      assertTrue(out.contains("Secured: SASL_SSL with SCRAM-SHA-512"), out);
      Matcher sync = SYNC.matcher(out);
      assertTrue(sync.find() && Integer.parseInt(sync.group(1)) > 0, "joining ran the ACL sync:\n" + out);
      Matcher sealed = SEALED.matcher(out);
      assertTrue(sealed.find(), out);
      // Run 1: two tasks, each two local updates to the coordinator and two global updates back.
      assertTrue(Integer.parseInt(sealed.group(4)) >= 8, "sealed model updates received and opened:\n" + out);
      long plain = Long.parseLong(sealed.group(2).replace(",", ""));
      long wire = Long.parseLong(sealed.group(3).replace(",", ""));
      assertTrue(plain > 0 && wire > plain, "sealing adds its keys and signature:\n" + out);

      List<PlaintextSearch.Count> counts = new ArrayList<>();
      Map<String, Object> admin = adminSettings(dataDir, bootstrap);
      counts.add(PlaintextSearch.topics("topics of namespace demo and the router's changelogs", admin,
          t -> t.startsWith("demo.") || t.startsWith("fedstream-router-demo"), needle));
      String control = "r5-control-" + UUID.randomUUID();
      try (Admin a = Admin.create(admin)) {
        a.createTopics(List.of(new NewTopic(control, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(admin, new ByteArraySerializer(), new ByteArraySerializer())) {
        p.send(new ProducerRecord<>(control, ("clear " + marker).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
      }
      PlaintextSearch.Count topicControl = PlaintextSearch.topics("control: a topic with one clear record", admin,
          t -> t.equals(control), needle);

      Cli.Result down = Cli.fedstream(300, "down", "--data-dir", dataDir.toString());
      assertEquals(0, down.exit(), down.toString());
      // After a clean stop the router's RocksDB memtables are flushed to files: the state is all on disk.
      Path state = dataDir.resolve("router").resolve("state");
      counts.add(PlaintextSearch.files("router state: RocksDB files (sst, log, MANIFEST, OPTIONS)", state,
          f -> !f.getFileName().toString().contains("checkpoint"), needle));
      counts.add(PlaintextSearch.files("router state: checkpoint files", state,
          f -> f.getFileName().toString().contains("checkpoint"), needle));
      counts.add(PlaintextSearch.files("router log", dataDir.resolve("logs"),
          f -> f.getFileName().toString().startsWith("router"), needle));
      counts.add(PlaintextSearch.files("broker log segments (every topic, every changelog)",
          dataDir.resolve("kafka").resolve("data"), f -> !f.toString().contains(control), needle));
      Path clear = dataDir.resolve("control.bin");
      Files.write(clear, ("x" + marker + "y" + marker).getBytes(StandardCharsets.UTF_8));
      PlaintextSearch.Count fileControl = PlaintextSearch.files("control: a file with two clear markers", clear,
          f -> true, needle);

      System.out.println("plaintext marker " + marker + ":");
      counts.forEach(c -> System.out.println("  " + c));
      System.out.println("  " + topicControl);
      System.out.println("  " + fileControl);
      assertEquals(1, topicControl.occurrences(), "the topic search finds a clear marker: " + topicControl);
      assertEquals(2, fileControl.occurrences(), "the file search finds clear markers: " + fileControl);
      assertTrue(counts.get(0).items() > 0 && counts.get(1).items() > 0, "the searches saw records and state files: "
          + counts);
      for (PlaintextSearch.Count c : counts) {
        assertEquals(0, c.occurrences(), "no plaintext payload in " + c);
      }
    } finally {
      Cli.killAll(dataDir);
      try (var files = Files.walk(dataDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static Map<String, Object> adminSettings(Path dataDir, String bootstrap) throws Exception {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(dataDir.resolve("security").resolve("admin.properties"))) {
      p.load(in);
    }
    Map<String, Object> m = new HashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    m.put("bootstrap.servers", bootstrap);
    return m;
  }
}
