package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.CommandType;
import io.fedstream.avro.Project;
import io.fedstream.avro.Site;
import io.fedstream.avro.SiteCommand;
import io.fedstream.avro.SiteStatus;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.mock.MockKafka;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The per-site topic layout ({@link NodeConfig#TOPIC_LAYOUT} {@code per-site}, a secured namespace)
 * without a broker: nodes read their own {@code {ns}.site.{id}.mail}, write to their peers' mail,
 * broadcast to a project's {@code {ns}.project.{p}.broadcast}, take presence from the router's
 * {@code {ns}.sites} and {@code {ns}.projects} records, send heartbeats as commands on their own
 * commands topic, and touch none of the shared layout's topics.
 */
class PerSiteLayoutTest {

  private static final String NS = "t";
  private final MockKafka kafka = MockKafka.create();

  @AfterEach
  void close() {
    kafka.close();
  }

  private NodeConfig.Builder config(String id, String... groups) {
    return MockNodes.config(kafka, id).set(NodeConfig.TOPIC_LAYOUT, "per-site").groups(groups);
  }

  private void site(AvroWire<Site> wire, String id, SiteStatus status) {
    Instant now = Instant.now();
    kafka.append(Topics.sites(NS), 0, id, wire.encode(Topics.sites(NS), Site.newBuilder().setSiteId(id).setName(id)
        .setStatus(status).setRegisteredAt(now).setLastSeenAt(now).build()), null);
  }

  private static void await(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "not within 30 s: " + what);
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
  }

  @Test
  void sitesUseTheirOwnTopicsAndPresenceFromTheRoutersRecords() {
    for (String t : List.of(Topics.sites(NS), Topics.projects(NS), Topics.deadLetter(NS), "t.site.a.mail",
        "t.site.b.mail", "t.site.c.mail", "t.site.a.commands", "t.site.b.commands", "t.project.p.broadcast")) {
      kafka.createTopic(t, 1);
    }
    SchemaRegistryClient registry = SchemaRegistryClient.create(kafka.registryUrl());
    AvroWire<Site> sites = AvroWire.of(Site.class, registry);
    site(sites, "a", SiteStatus.CONNECTED);
    site(sites, "b", SiteStatus.CONNECTED);
    site(sites, "c", SiteStatus.CONNECTED);
    kafka.append(Topics.projects(NS), 0, "p", AvroWire.of(Project.class, registry).encode(Topics.projects(NS),
        Project.newBuilder().setProjectId("p").setName("p").setCoordinator("a").setParticipants(List.of("b"))
            .setCreatedAt(Instant.now()).build()), null);

    try (Node a = Node.create(config("a", "p").build()); Node b = Node.create(config("b", "p").build())) {
      a.start().block(MockNodes.WAIT);
      b.start().block(MockNodes.WAIT);
      // (MockKafka's consumers start with end offsets of 0 for records written before them, so the
      // start's catch-up does not wait for these: wait here, bounded)
      await(() -> a.members("p").equals(Set.of("a", "b")), "the project's members, from the projects record: "
          + a.members("p"));
      b.serve("echo", req -> Mono.just(Message.builder().tag("echoed").arg("n", req.arg("n")).build()));
      Message reply = a.request(Message.builder().tag("echo").to("b").arg("n", 7).build()).block(MockNodes.WAIT);
      assertEquals(7L, reply.arg("n"));
      assertEquals(1, kafka.records("t.site.b.mail").size(), "the request went to b's mail");
      assertEquals(1, kafka.records("t.site.a.mail").size(), "the reply went to a's mail");

      Gathered g = a.broadcast("p", Message.builder().tag("echo").arg("n", 1).build(),
          GatherPolicy.all().withDeadline(MockNodes.WAIT)).block(MockNodes.WAIT);
      assertEquals(List.of("b"), g.replies().stream().map(Message::source).toList(),
          "the broadcast reached the project's other member");
      assertEquals(1, kafka.records("t.project.p.broadcast").size(), "one broadcast record");

      List<ConsumerRecord<String, byte[]>> beats = kafka.records("t.site.a.commands");
      assertTrue(!beats.isEmpty(), "a's heartbeats are commands on its own commands topic");
      SiteCommand c = AvroWire.of(SiteCommand.class, registry).decode("t.site.a.commands", beats.get(0).value());
      assertEquals(CommandType.HEARTBEAT, c.getType());
      for (String shared : List.of(Topics.mailbox(NS), Topics.presence(NS), Topics.group(NS, "p"))) {
        assertTrue(kafka.partitionsFor(shared).isEmpty(), shared + " was neither created nor used");
      }

      // the router marks b DISCONNECTED: it leaves a's view of the project
      site(sites, "b", SiteStatus.DISCONNECTED);
      await(() -> a.members("p").equals(Set.of("a")), "b left p: " + a.members("p"));
      // c joins p (the router rewrites the project record): it is a member at once
      kafka.append(Topics.projects(NS), 0, "p", AvroWire.of(Project.class, registry).encode(Topics.projects(NS),
          Project.newBuilder().setProjectId("p").setName("p").setCoordinator("a").setParticipants(List.of("b", "c"))
              .setCreatedAt(Instant.now()).build()), null);
      await(() -> a.members("p").equals(Set.of("a", "c")), "c joined p: " + a.members("p"));
    }
  }

  @Test
  void aNodeIdThatIsNotASiteIdIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Node.create(config("Not_A_Site").build()));
    assertTrue(e.getMessage().contains("site id"), e.getMessage());
  }
}
