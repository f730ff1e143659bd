package io.fedstream.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A secured broker (SASL_SSL with SCRAM-SHA-512, StandardAuthorizer, no ACL means no access) in a
 * child JVM: clients without credentials, with a wrong secret, or with another principal's rights
 * are refused; the principal an ACL names gets in.
 */
class SecureBrokerIT {

  private static Path dir;
  private static EmbeddedBroker broker;
  private static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("fedstream-secure-broker");
    BrokerSecurity security = BrokerSecurity.prepare(dir);
    broker = EmbeddedBroker.builder(dir).kafkaPort(0).controllerPort(0).security(security)
        .jvmOptions(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC")).classDataSharing(false).build();
    broker.start().awaitReady();
    admin = Admin.create(settings(security.admin()));
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static Map<String, Object> settings(BrokerSecurity.Credentials c) {
    Map<String, Object> m = new HashMap<>(broker.security().clientProperties(c));
    m.put("bootstrap.servers", broker.bootstrapServers());
    m.put("default.api.timeout.ms", 10_000);
    m.put("request.timeout.ms", 5_000);
    return m;
  }

  @Test
  void theBrokerIsConfiguredSecured() throws Exception {
    String props = Files.readString(broker.propertiesFile());
    assertTrue(props.contains("allow.everyone.if.no.acl.found=false"), props);
    assertTrue(props.contains("StandardAuthorizer"), props);
    assertTrue(Files.readString(broker.security().caCertificate()).startsWith("-----BEGIN CERTIFICATE-----"));
  }

  @Test
  void aClientWithoutCredentialsIsRefused() {
    Map<String, Object> plain = Map.of("bootstrap.servers", broker.bootstrapServers(),
        "default.api.timeout.ms", 4_000, "request.timeout.ms", 2_000);
    try (Admin a = Admin.create(plain)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> a.listTopics().names().get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException, e.toString());
    }
  }

  @Test
  void aWrongSecretIsRefused() {
    try (Admin a = Admin.create(settings(new BrokerSecurity.Credentials(BrokerSecurity.ADMIN_USER, "not-the-secret")))) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> a.listTopics().names().get(15, TimeUnit.SECONDS));
      assertInstanceOf(SaslAuthenticationException.class, e.getCause());
    }
  }

  @Test
  void onlyThePrincipalAnAclNamesReadsAndWrites() throws Exception {
    String topic = "secure-it-owned";
    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    BrokerSecurity.Credentials alice = BrokerSecurity.addUser(admin, "alice");
    BrokerSecurity.Credentials bob = BrokerSecurity.addUser(admin, "bob");
    ResourcePattern t = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
    admin.createAcls(List.of(
        new AclBinding(t, new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW)),
        new AclBinding(t, new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW))))
        .all().get(30, TimeUnit.SECONDS);

    // alice writes and reads (a new credential or ACL reaches the broker's cache shortly: bounded retry)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (KafkaProducer<String, String> p = producer(alice)) {
        p.send(new ProducerRecord<>(topic, "k", "hello")).get(10, TimeUnit.SECONDS);
        break;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(200); // poll interval of a bounded wait
      }
    }
    try (KafkaConsumer<String, String> c = consumer(alice)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      ConsumerRecords<String, String> got = ConsumerRecords.empty();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (got.isEmpty() && System.nanoTime() < end) {
        got = c.poll(Duration.ofMillis(500));
      }
      assertEquals("hello", got.iterator().next().value());
    }

    // bob authenticates but has no ACL: both his write and his read are refused
    try (KafkaProducer<String, String> p = producer(bob)) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> p.send(new ProducerRecord<>(topic, "k", "spoof")).get(20, TimeUnit.SECONDS));
      assertInstanceOf(TopicAuthorizationException.class, e.getCause());
    }
    try (KafkaConsumer<String, String> c = consumer(bob)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      assertThrows(TopicAuthorizationException.class, () -> {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
          c.poll(Duration.ofMillis(500));
        }
      });
    }
  }

  @Test
  void theControllerListenerWantsTheBrokersCertificate() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.controllers", Ports.LOOPBACK + ":" + broker.controllerPort());
    m.put("security.protocol", "SSL");
    m.put("ssl.truststore.type", "PEM");
    m.put("ssl.truststore.location", broker.security().caCertificate().toString());
    m.put("default.api.timeout.ms", 4_000);
    m.put("request.timeout.ms", 2_000);
    try (Admin a = Admin.create(m)) {
      assertThrows(ExecutionException.class, () -> a.describeCluster().clusterId().get(10, TimeUnit.SECONDS));
    }
  }

  private static KafkaProducer<String, String> producer(BrokerSecurity.Credentials c) {
    Map<String, Object> m = settings(c);
    m.remove("default.api.timeout.ms");
    m.put("max.block.ms", 10_000);
    m.put("delivery.timeout.ms", 15_000);
    return new KafkaProducer<>(m, new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(BrokerSecurity.Credentials c) {
    Map<String, Object> m = settings(c);
    return new KafkaConsumer<>(m, new StringDeserializer(), new StringDeserializer());
  }

}
