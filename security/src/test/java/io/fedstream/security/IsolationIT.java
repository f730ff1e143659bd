package io.fedstream.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.platform.BrokerSecurity;
import io.fedstream.platform.EmbeddedBroker;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * R5 of the reliability table: on the secured platform, a coordinator and two participants of
 * project {@code p} (and another site coordinating project {@code q}) try everything they must not
 * do, and every attempt is denied by the broker or rejected by signature. The sites are plain
 * Kafka clients with their own SCRAM principals, sealing with {@link Sealer}; the identity fields
 * travel in record headers. Prints the figures.
 */
class IsolationIT {

  private static final String NS = "r5";
  private static final String MARKER = "R5-PLAINTEXT-MARKER";
  private static Path dir;
  private static EmbeddedBroker broker;
  private static Admin admin;
  private static final Map<String, BrokerSecurity.Credentials> CREDS = new HashMap<>();
  private static final Map<String, SiteKeys> KEYS = new HashMap<>();
  private static final Map<String, KafkaProducer<byte[], byte[]>> PRODUCERS = new HashMap<>();
  private static final List<String> SITES = List.of("coord", "p1", "p2", "other");

  /** One attempt and how it ended. */
  private record Attempt(String who, String what, String outcome) {
    boolean refused() {
      return outcome.startsWith("denied") || outcome.startsWith("rejected");
    }
  }

  private final List<Attempt> attempts = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("fedstream-r5");
    BrokerSecurity security = BrokerSecurity.prepare(dir);
    broker = EmbeddedBroker.builder(dir).kafkaPort(0).controllerPort(0).security(security)
        .jvmOptions(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC")).classDataSharing(false).build();
    broker.start().awaitReady();
    admin = Admin.create(settings(security.admin()));
    List<NewTopic> topics = new ArrayList<>();
    for (String s : SITES) {
      CREDS.put(s, BrokerSecurity.addUser(admin, s));
      KEYS.put(s, SiteKeys.generate(s));
      SecuredTopics.siteTopics(NS, s).forEach(t -> topics.add(topic(t)));
    }
    for (String p : List.of("p", "q")) {
      topics.add(topic(SecuredTopics.broadcast(NS, p)));
      topics.add(topic(Topics.projectEvents(NS, p)));
    }
    admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    NamespaceAcls.reconcile(admin, NS, SITES, NamespaceAcls.desired(NS, SITES, List.of(
        new NamespaceAcls.Project("p", "coord", Set.of("p1", "p2")),
        new NamespaceAcls.Project("q", "other", Set.of()))));
  }

  @AfterAll
  static void stop() {
    PRODUCERS.values().forEach(p -> p.close(Duration.ofSeconds(5)));
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static NewTopic topic(String name) {
    return new NewTopic(name, Optional.of(1), Optional.empty()).configs(TopicSettings.SITE.configs());
  }

  private static Map<String, Object> settings(BrokerSecurity.Credentials c) {
    Map<String, Object> m = new HashMap<>(broker.security().clientProperties(c));
    m.put("bootstrap.servers", broker.bootstrapServers());
    m.put("default.api.timeout.ms", 10_000);
    m.put("request.timeout.ms", 5_000);
    return m;
  }

  @Test
  void everyAttemptToCrossASiteBoundaryIsRefused() throws Exception {
    String pBroadcast = SecuredTopics.broadcast(NS, "p");
    // What is allowed works: the coordinator broadcasts to p once; each participant sends it an update.
    // (new ACLs reach the broker's authorizer shortly after they are created: the first write waits for them)
    Map<String, Object> bcast = write("coord", pBroadcast, "coord", "p", "model", List.of("p1", "p2"));
    long aclsBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"ok".equals(bcast.get("outcome")) && System.nanoTime() < aclsBy) {
      TimeUnit.MILLISECONDS.sleep(200); // poll interval of a bounded wait
      bcast = write("coord", pBroadcast, "coord", "p", "model", List.of("p1", "p2"));
    }
    assertEquals("ok", bcast.get("outcome"));
    for (String p : List.of("p1", "p2")) {
      assertEquals("ok", write(p, SecuredTopics.mail(NS, "coord"), p, "coord", "update-" + p, List.of("coord")).get("outcome"));
      List<ConsumerRecord<byte[], byte[]>> got = read(p, pBroadcast, 1).orElseThrow();
      assertArrayEquals((MARKER + " model").getBytes(StandardCharsets.UTF_8), open(p, got.get(0)));
    }
    List<ConsumerRecord<byte[], byte[]>> updates = read("coord", SecuredTopics.mail(NS, "coord"), 2).orElseThrow();
    assertEquals(2, updates.size());
    for (ConsumerRecord<byte[], byte[]> r : updates) {
      assertTrue(new String(open("coord", r), StandardCharsets.UTF_8).startsWith(MARKER));
    }

    for (String[] pair : new String[][] {{"p1", "p2"}, {"p2", "p1"}}) {
      String me = pair[0];
      String peer = pair[1];
      // read the other participant's mail, status and logs
      for (String t : List.of(SecuredTopics.mail(NS, peer), Topics.siteStatus(NS, peer), Topics.siteLogs(NS, peer))) {
        attemptRead(me, t);
      }
      // write as the other: on its own command topic (the broker refuses), and signed with my key
      // under its name into the coordinator's mail, which I may write (the signature is refused)
      attemptWrite(me, Topics.siteCommands(NS, peer), peer);
      attemptSpoof(me, peer);
      // read another project's topics and its coordinator's mail
      for (String t : List.of(SecuredTopics.broadcast(NS, "q"), Topics.projectEvents(NS, "q"), SecuredTopics.mail(NS, "other"))) {
        attemptRead(me, t);
      }
      // write into another project
      attemptWrite(me, SecuredTopics.broadcast(NS, "q"), me);
    }

    // p2 is removed from p: its project ACLs go; it tries to read and write p's topics again
    long removedAt = System.nanoTime();
    NamespaceAcls.Change change = NamespaceAcls.reconcile(admin, NS, SITES, NamespaceAcls.desired(NS, SITES, List.of(
        new NamespaceAcls.Project("p", "coord", Set.of("p1")),
        new NamespaceAcls.Project("q", "other", Set.of()))));
    assertTrue(change.deleted() > 0 && change.created() == 0, change.toString());
    awaitDenied("p2", pBroadcast);
    double tookMs = (System.nanoTime() - removedAt) / 1e6;
    attemptRead("p2", pBroadcast);
    attemptRead("p2", Topics.projectEvents(NS, "p"));
    attemptWrite("p2", SecuredTopics.mail(NS, "coord"), "p2");
    // and p1, still a member, is unaffected
    assertTrue(read("p1", pBroadcast, 1).isPresent());

    // a record changed on the way is detected
    ConsumerRecord<byte[], byte[]> r = updates.get(0);
    byte[] changed = r.value().clone();
    changed[changed.length - 4] ^= 0x01;
    String tampered;
    try {
      new Sealer(KEYS.get("coord")).open(identity(r.headers(), r.key()), changed, KEYS.get(header(r.headers(), "source")).publicKeys());
      tampered = "not detected";
    } catch (SealException e) {
      tampered = e.reason().name();
    }

    int onDisk = countMarker(broker.dataDir().resolve("kafka").resolve("data"));
    long refused = attempts.stream().filter(Attempt::refused).count();
    long byBroker = attempts.stream().filter(a -> a.outcome().startsWith("denied")).count();
    StringBuilder report = new StringBuilder("\nR5 (secured platform: coordinator, two participants, another project)\n");
    attempts.forEach(a -> report.append(String.format("  %-3s %-62s %s%n", a.who(), a.what(), a.outcome())));
    report.append(String.format("  refused: %d of %d attempts (%.0f %%): %d denied by the broker, %d rejected by signature%n",
        refused, attempts.size(), 100.0 * refused / attempts.size(), byBroker, refused - byBroker));
    report.append(String.format("  removal took effect in %.0f ms (%d ACLs deleted)%n", tookMs, change.deleted()));
    report.append("  plaintext marker in the broker's log segments (every topic, every changelog): " + onDisk + " occurrences\n");
    report.append("  tampered record: " + tampered + "\n");
    System.out.println(report);

    assertEquals(attempts.size(), refused, report.toString());
    assertTrue(attempts.size() >= 20, report.toString());
    assertEquals(0, onDisk, report.toString());
    assertEquals("TAMPERED", tampered);
  }

  private void attemptRead(String who, String topic) {
    Optional<List<ConsumerRecord<byte[], byte[]>>> got = read(who, topic, 1);
    attempts.add(new Attempt(who, "read " + topic, got.isEmpty() ? "denied by the broker" : "READ " + got.get().size()));
  }

  private void attemptWrite(String who, String topic, String as) {
    Map<String, Object> w = write(who, topic, as, "x", "forged", List.of("coord"));
    attempts.add(new Attempt(who, "write as " + as + " to " + topic,
        "ok".equals(w.get("outcome")) ? "WRITTEN" : "denied by the broker"));
  }

  /** {@code me} writes, signed with its own key, a record claiming to come from {@code victim}. */
  private void attemptSpoof(String me, String victim) throws Exception {
    String mail = SecuredTopics.mail(NS, "coord");
    Map<String, Object> w = write(me, mail, victim, "coord", "spoofed", List.of("coord"));
    if (!"ok".equals(w.get("outcome"))) {
      attempts.add(new Attempt(me, "write as " + victim + " to " + mail, "denied by the broker"));
      return;
    }
    long offset = (Long) w.get("offset");
    ConsumerRecord<byte[], byte[]> forged = readAt("coord", mail, offset);
    String outcome;
    try {
      open("coord", forged);
      outcome = "ACCEPTED";
    } catch (SealException e) {
      outcome = "rejected by signature (" + e.reason() + ")";
    }
    attempts.add(new Attempt(me, "write as " + victim + " to " + mail + ", signed by " + me, outcome));
  }

  private void awaitDenied(String who, String topic) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (read(who, topic, 1).isPresent() && System.nanoTime() < end) {
      TimeUnit.MILLISECONDS.sleep(100); // poll interval of a bounded wait for the ACL change to apply
    }
  }

  private static Map<String, Object> write(String who, String topic, String source, String dest, String text,
      List<String> recipients) {
    Identity id = new Identity(java.util.UUID.randomUUID().toString(), source, dest, "s-r5", System.currentTimeMillis());
    byte[] sealed = new Sealer(KEYS.get(who)).seal(id, (MARKER + " " + text).getBytes(StandardCharsets.UTF_8),
        recipients.stream().map(r -> KEYS.get(r).publicKeys()).toList());
    Headers h = new RecordHeaders();
    h.add("source", source.getBytes(StandardCharsets.UTF_8));
    h.add("destination", dest.getBytes(StandardCharsets.UTF_8));
    h.add("session", id.sessionId().getBytes(StandardCharsets.UTF_8));
    h.add("time", Long.toString(id.createdAtMillis()).getBytes(StandardCharsets.UTF_8));
    KafkaProducer<byte[], byte[]> p = PRODUCERS.computeIfAbsent(who, w -> {
      Map<String, Object> m = settings(CREDS.get(w));
      m.remove("default.api.timeout.ms");
      m.put("max.block.ms", 10_000);
      m.put("delivery.timeout.ms", 15_000);
      return new KafkaProducer<>(m, new ByteArraySerializer(), new ByteArraySerializer());
    });
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      out.put("offset", p.send(new ProducerRecord<>(topic, null, id.messageId().getBytes(StandardCharsets.UTF_8), sealed, h))
          .get(20, TimeUnit.SECONDS).offset());
      out.put("outcome", "ok");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof AuthorizationException)) {
        throw new AssertionError("unexpected failure writing " + topic + " as " + who, e);
      }
      out.put("outcome", "denied");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return out;
  }

  /** Reads up to {@code n} records from the start; empty when the broker denies the read. */
  private static Optional<List<ConsumerRecord<byte[], byte[]>>> read(String who, String topic, int n) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(settings(CREDS.get(who)),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (got.size() < n && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
      return Optional.of(got);
    } catch (AuthorizationException e) {
      return Optional.empty();
    }
  }

  private static ConsumerRecord<byte[], byte[]> readAt(String who, String topic, long offset) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(settings(CREDS.get(who)),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seek(tp, offset);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          return r;
        }
      }
      throw new AssertionError("no record at " + topic + "@" + offset);
    }
  }

  private static byte[] open(String who, ConsumerRecord<byte[], byte[]> r) throws SealException {
    String source = header(r.headers(), "source");
    return new Sealer(KEYS.get(who)).open(identity(r.headers(), r.key()), r.value(), KEYS.get(source).publicKeys());
  }

  private static Identity identity(Headers h, byte[] key) {
    return new Identity(new String(key, StandardCharsets.UTF_8), header(h, "source"), header(h, "destination"),
        header(h, "session"), Long.parseLong(header(h, "time")));
  }

  private static String header(Headers h, String name) {
    return new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static int countMarker(Path root) throws IOException {
    byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
    int found = 0;
    int files = 0;
    try (Stream<Path> all = Files.walk(root)) {
      for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        files++;
        byte[] b = Files.readAllBytes(f);
        for (int i = 0; i + marker.length <= b.length; i++) {
          int j = 0;
          while (j < marker.length && b[i + j] == marker[j]) {
            j++;
          }
          if (j == marker.length) {
            found++;
          }
        }
      }
    }
    assertTrue(files > 0, "no log files under " + root);
    return found;
  }
}
