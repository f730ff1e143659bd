package io.fedstream.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.CommandType;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.SiteCommand;
import io.fedstream.schemas.RecordHeaders;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The attempts of {@link IsolationIT} made with plain Kafka clients under a site's own
 * credentials (what any client of the site could do, SDK or not), and the table of outcomes.
 */
final class Attempts implements AutoCloseable {

  /** One attempt and how it ended. */
  record Attempt(String who, String what, String outcome) {
    boolean refused() {
      return outcome.startsWith("denied") || outcome.startsWith("rejected");
    }
  }

  private final SecuredNamespace sn;
  private final AvroWire<Envelope> envelopes;
  private final AvroWire<SiteCommand> commands;
  private final Map<String, KafkaProducer<byte[], byte[]>> producers = new HashMap<>();
  private final List<Attempt> attempts = new ArrayList<>();

  Attempts(SecuredNamespace sn) {
    this.sn = sn;
    SchemaRegistryClient registry = SchemaRegistryClient.create(sn.registryUrl);
    this.envelopes = AvroWire.of(Envelope.class, registry);
    this.commands = AvroWire.of(SiteCommand.class, registry);
  }

  List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  void add(String who, String what, String outcome) {
    attempts.add(new Attempt(who, what, outcome));
  }

  /** {@code who} reads {@code topic} from its start. */
  void read(String who, String topic, String... note) {
    Optional<List<ConsumerRecord<byte[], byte[]>>> got = poll(sn.settings(who), topic, 1);
    add(who, "read " + topic + (note.length > 0 ? "  " + note[0] : ""),
        got.isEmpty() ? "denied by the broker" : "READ " + got.get().size());
  }

  /** {@code who} writes a record claiming to come from {@code as} to {@code topic}. */
  void write(String who, String topic, String as) {
    Headers h = new org.apache.kafka.common.header.internals.RecordHeaders();
    h.add("source", as.getBytes(StandardCharsets.UTF_8));
    Optional<Long> at = produce(who, topic, "x", (IsolationIT.MARKER + " forged").getBytes(StandardCharsets.UTF_8), h);
    add(who, "write as " + as + " to " + topic, at.isPresent() ? "WRITTEN" : "denied by the broker");
  }

  /**
   * {@code who} copies one of its own sealed messages in the coordinator's mail (which it may
   * write), gives it a new id and {@code source=victim}, or changes a byte of its ciphertext, and
   * writes it there again; the coordinator's SDK node must dead-letter it.
   *
   * @return the outcome, also added to the table unless {@code tamper}
   */
  String forge(String who, String victim, String tag, boolean tamper) throws Exception {
    String mail = SecuredTopics.mail(sn.ns, "coord");
    ConsumerRecord<byte[], byte[]> legit = null;
    for (ConsumerRecord<byte[], byte[]> r : poll(sn.operator(), mail, Integer.MAX_VALUE).orElseThrow()) {
      Envelope e = envelopes.decode(mail, r.value());
      if (e.getSource().toString().equals(who) && e.getTag().toString().equals(tag)) {
        legit = r;
      }
    }
    assertTrue(legit != null, "no '" + tag + "' from " + who + " in " + mail);
    Envelope e = envelopes.decode(mail, legit.value());
    String id = UUID.randomUUID().toString();
    Envelope.Builder b = Envelope.newBuilder(e).setMessageId(id).setSource(victim);
    if (tamper) {
      List<io.fedstream.avro.Payload> ps = new ArrayList<>();
      for (io.fedstream.avro.Payload p : e.getPayloads()) {
        if (p.getName().toString().equals(tag)) {
          byte[] data = new byte[p.getData().remaining()];
          p.getData().duplicate().get(data);
          data[data.length - 4] ^= 0x01;
          p = io.fedstream.avro.Payload.newBuilder(p).setData(ByteBuffer.wrap(data)).build();
        }
        ps.add(p);
      }
      b.setPayloads(ps);
    }
    Headers h = new org.apache.kafka.common.header.internals.RecordHeaders();
    for (Header x : legit.headers()) {
      if (!x.key().equals(RecordHeaders.MESSAGE_ID)) {
        h.add(x);
      }
    }
    h.add(RecordHeaders.MESSAGE_ID, id.getBytes(StandardCharsets.UTF_8));
    Optional<Long> at = produce(who, mail, "coord", envelopes.encode(mail, b.build()), h);
    String what = (tamper ? "change a byte of its sealed payload" : "write as " + victim) + " to " + mail + ", signed by " + who;
    String outcome;
    if (at.isEmpty()) {
      outcome = "denied by the broker";
    } else {
      String code = deadLettered(mail, at.get());
      outcome = tamper ? "dead-lettered " + code
          : code.equals("BAD_SIGNATURE") ? "rejected by signature (BAD_SIGNATURE, dead-lettered)" : "ACCEPTED (" + code + ")";
    }
    if (!tamper) {
      add(who, what, outcome);
    }
    return outcome;
  }

  /** The code the dead letter of {@code topic@offset} carries, waiting for it (bounded); "none" if none came. */
  private String deadLettered(String topic, long offset) throws InterruptedException {
    String dlq = io.fedstream.schemas.Topics.deadLetter(sn.ns);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      for (ConsumerRecord<byte[], byte[]> r : poll(sn.operator(), dlq, Integer.MAX_VALUE).orElseThrow()) {
        if (topic.equals(header(r.headers(), RecordHeaders.DLQ_TOPIC))
            && Long.toString(offset).equals(header(r.headers(), RecordHeaders.DLQ_OFFSET))) {
          return header(r.headers(), RecordHeaders.DLQ_CODE);
        }
      }
      TimeUnit.MILLISECONDS.sleep(200); // poll interval of a bounded wait for the receiver's dead letter
    }
    return "none";
  }

  /** Sends a site command to the router on the site's own commands topic. */
  void command(String site, String type, String project, String target) {
    String topic = io.fedstream.schemas.Topics.siteCommands(sn.ns, site);
    String id = UUID.randomUUID().toString();
    SiteCommand c = SiteCommand.newBuilder().setCommandId(id).setType(CommandType.valueOf(type)).setProjectId(project)
        .setTarget(target).setSentAt(Instant.now()).build();
    assertTrue(produce(site, topic, id, commands.encode(topic, c), new org.apache.kafka.common.header.internals.RecordHeaders())
        .isPresent(), "the command was written");
  }

  void awaitDenied(String who, String topic) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (poll(sn.settings(who), topic, 1).isPresent() && System.nanoTime() < end) {
      TimeUnit.MILLISECONDS.sleep(100); // poll interval of a bounded wait for the ACL change to apply
    }
  }

  private Optional<Long> produce(String who, String topic, String key, byte[] value, Headers h) {
    KafkaProducer<byte[], byte[]> p = producers.computeIfAbsent(who, w -> {
      Map<String, Object> m = sn.settings(w);
      m.remove("default.api.timeout.ms");
      m.put("max.block.ms", 10_000);
      m.put("delivery.timeout.ms", 15_000);
      return new KafkaProducer<>(m, new ByteArraySerializer(), new ByteArraySerializer());
    });
    try {
      return Optional.of(p.send(new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), value, h))
          .get(20, TimeUnit.SECONDS).offset());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof AuthorizationException)) {
        throw new AssertionError("unexpected failure writing " + topic + " as " + who, e);
      }
      return Optional.empty();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Reads up to {@code n} records from the start (until the end); empty when the broker denies the read. */
  private static Optional<List<ConsumerRecord<byte[], byte[]>>> poll(Map<String, Object> settings, String topic, int n) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> last = c.endOffsets(tps);
      List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (got.size() < n && tps.stream().anyMatch(tp -> c.position(tp) < last.get(tp)) && System.nanoTime() < end) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
      return Optional.of(got);
    } catch (AuthorizationException e) {
      return Optional.empty();
    }
  }

  private static String header(Headers h, String name) {
    Header x = h.lastHeader(name);
    return x == null ? null : new String(x.value(), StandardCharsets.UTF_8);
  }

  /** Occurrences of the plaintext marker in every file under {@code root}. */
  static int countMarker(Path root) throws IOException {
    byte[] marker = IsolationIT.MARKER.getBytes(StandardCharsets.UTF_8);
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
    assertTrue(files > 0, "no files under " + root);
    return found;
  }

  @Override
  public void close() {
    producers.values().forEach(p -> p.close(Duration.ofSeconds(5)));
  }
}
