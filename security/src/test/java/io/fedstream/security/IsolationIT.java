package io.fedstream.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Gathered;
import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.projects.Site;
import io.fedstream.projects.SiteConfig;
import io.fedstream.projects.TaskDef;
import io.fedstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * R5 of the reliability table: on the secured platform (broker, registry and routing server), a
 * coordinator and two participants of project {@code p}, and another site coordinating project
 * {@code q}, each its own principal. They register and join with the projects layer; the operator's
 * {@code site sync} ({@link AclSync}) turns the joins into ACLs. Their traffic is SDK nodes made
 * from their kits' settings, which choose the per-site layout, sealing with {@link EndToEnd}: the
 * coordinator broadcasts a model and gathers both participants' updates. Then every site tries
 * everything it must not do, with its SDK node and with plain Kafka clients under its own
 * credentials, and every attempt is denied by the broker or rejected by signature. Prints the figures.
 */
class IsolationIT {

  private static final String NS = "r5";
  static final String MARKER = "R5-PLAINTEXT-MARKER";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> SITES = List.of("coord", "p1", "p2", "other");
  private static SecuredNamespace sn;
  private static Attempts raw;
  /** The project members a broadcast is sealed to (the test's directory; the router's Site records hold the same keys). */
  private static final Map<String, Set<String>> MEMBERS = new ConcurrentHashMap<>();
  private final List<Node> nodes = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    sn = SecuredNamespace.start(NS, SITES);
    raw = new Attempts(sn);
  }

  @AfterAll
  static void stop() {
    if (raw != null) {
      raw.close();
    }
    if (sn != null) {
      sn.close();
    }
  }

  private EndToEnd.Directory directory() {
    return new EndToEnd.Directory() {
      @Override
      public java.util.Optional<SitePublicKeys> site(String siteId) {
        return java.util.Optional.ofNullable(sn.keys.get(siteId)).map(SiteKeys::publicKeys);
      }

      @Override
      public java.util.Collection<SitePublicKeys> recipients(Message message, String topic) {
        String p = topic.substring((NS + ".project.").length(), topic.length() - ".broadcast".length());
        return MEMBERS.getOrDefault(p, Set.of()).stream().filter(s -> !s.equals(message.source()))
            .map(s -> sn.keys.get(s).publicKeys()).toList();
      }
    };
  }

  /** An SDK node made from the kit of {@code kitOf}, named {@code id}, in {@code groups}. */
  private Node node(String kitOf, String id, String... groups) {
    Node n = Node.create(sn.kit(kitOf).nodeId(id).groups(groups)
        .interceptor(EndToEnd.of(sn.keys.get(kitOf), directory())).build());
    nodes.add(n);
    return n;
  }

  /** Starts a node, waiting (bounded) for the ACLs {@code site sync} just created to reach the authorizer. */
  private Node started(String site, String... groups) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Node n = node(site, site, groups);
      try {
        n.start().block(WAIT);
        return n;
      } catch (NodeException e) {
        n.close();
        if (e.errorCode() != ErrorCode.FORBIDDEN || System.nanoTime() > end) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(200); // poll interval of a bounded wait for ACL propagation
      }
    }
  }

  private static Payload text(String name, String s) {
    return Payload.ofBytes(name, (MARKER + " " + s).getBytes(StandardCharsets.UTF_8));
  }

  private static String text(Message m, String name) {
    return new String(m.payload(name).orElseThrow().bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void everyAttemptToCrossASiteBoundaryIsRefused() throws Exception {
    // 1. register, create and join with the projects layer; the operator's sync grants what the joins need
    List<Site> control = new ArrayList<>();
    for (String s : SITES) {
      SiteKeys k = sn.keys.get(s);
      Site site = Site.create(SiteConfig.builder(sn.kit(s).build()).name(s)
          .publicKey(k.publicKeys().toBytes(), k.publicKeys().keyId(), 1).build());
      control.add(site);
      site.register().block(WAIT);
    }
    List<TaskDef> tasks = List.of(new TaskDef("train", "train", null));
    control.get(0).createProject("p", "p", tasks).block(WAIT);
    control.get(3).createProject("q", "q", tasks).block(WAIT);
    control.get(1).join("p").block(WAIT);
    control.get(2).join("p").block(WAIT);
    control.forEach(Site::close);
    AclSync sync = new AclSync(sn.operator(), sn.registryUrl, NS);
    AclSync.Membership joined = sync.read();
    assertEquals(Set.of("p1", "p2"), joined.projects().stream().filter(p -> p.id().equals("p")).findFirst()
        .orElseThrow().participants(), "the router recorded both joins");
    NamespaceAcls.Change granted = sync.once(sn.admin);
    MEMBERS.put("p", Set.of("coord", "p1", "p2"));
    MEMBERS.put("q", Set.of("other"));

    // 2. SDK nodes from the kits: the coordinator broadcasts a model, both participants answer with updates
    Node coord = started("coord", "p");
    Node p1 = started("p1", "p");
    Node p2 = started("p2", "p");
    Node other = started("other", "q");
    for (Node n : List.of(p1, p2)) {
      n.serve("train", req -> Mono.just(Message.builder().tag("trained")
          .payload(text("update", "update of " + n.id() + " to " + text(req, "model"))).build()));
    }
    coord.awaitMembers("p", 3, WAIT).block(WAIT);
    Gathered round = coord.broadcast("p", Message.builder().tag("train").payload(text("model", "model 1")).build(),
        GatherPolicy.all().withDeadline(WAIT)).block(WAIT);
    assertEquals(Set.of("p1", "p2"), Set.copyOf(round.replies().stream().map(Message::source).toList()), round.toString());
    for (Message r : round.replies()) {
      assertEquals(MARKER + " update of " + r.source() + " to " + MARKER + " model 1", text(r, "update"));
    }
    // a plain message each, for the forgeries below
    for (Node n : List.of(p1, p2)) {
      n.send(Message.builder().tag("note").to("coord").payload(text("note", "from " + n.id())).build()).block(WAIT);
    }
    assertEquals(2, coord.receive().filter(m -> m.tag().equals("note")).take(2).count().block(WAIT));

    // 3. everything a participant must not do, against the other participant and another project
    Map<String, Node> byId = Map.of("p1", p1, "p2", p2);
    for (String[] pair : new String[][] {{"p1", "p2"}, {"p2", "p1"}}) {
      String me = pair[0];
      String peer = pair[1];
      Node mine = byId.get(me);
      for (String t : List.of(SecuredTopics.mail(NS, peer), Topics.siteStatus(NS, peer), Topics.siteLogs(NS, peer))) {
        raw.read(me, t);
      }
      sdk(me, "SDK node sends to " + peer, () -> mine.send(Message.builder().tag("x").to(peer)
          .payload(text("x", "to " + peer)).build()));
      sdk(me, "SDK node named " + peer + " starts (reads " + peer + "'s mail)", () -> node(me, peer).start());
      raw.write(me, Topics.siteCommands(NS, peer), peer);
      raw.forge(me, peer, "note", false);
      for (String t : List.of(SecuredTopics.broadcast(NS, "q"), Topics.projectEvents(NS, "q"), SecuredTopics.mail(NS, "other"))) {
        raw.read(me, t);
      }
      sdk(me, "SDK node in group q starts (reads q's broadcasts)", () -> node(me, me + "", "q").start());
      sdk(me, "SDK node sends to other (q's coordinator)", () -> mine.send(Message.builder().tag("x").to("other")
          .payload(text("x", "to other")).build()));
      raw.write(me, SecuredTopics.broadcast(NS, "q"), me);
    }

    // 4. the coordinator removes p2; the operator's sync takes its project ACLs away
    long removedAt = System.nanoTime();
    raw.command("coord", "REMOVE_PARTICIPANT", "p", "p2");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (sync.read().projects().stream().anyMatch(p -> p.id().equals("p") && p.participants().contains("p2"))) {
      assertTrue(System.nanoTime() < end, "the router did not record the removal within 60 s");
      TimeUnit.MILLISECONDS.sleep(100); // poll interval of a bounded wait for the router's record
    }
    NamespaceAcls.Change removed = sync.once(sn.admin);
    MEMBERS.put("p", Set.of("coord", "p1"));
    raw.awaitDenied("p2", SecuredTopics.broadcast(NS, "p"));
    double tookMs = (System.nanoTime() - removedAt) / 1e6;
    raw.read("p2", SecuredTopics.broadcast(NS, "p"), "(after removal from p)");
    raw.read("p2", Topics.projectEvents(NS, "p"), "(after removal from p)");
    sdk("p2", "SDK node sends to coord (after removal from p)", () -> p2.send(Message.builder().tag("x").to("coord")
        .payload(text("x", "after removal")).build()));
    p2.close();
    sdk("p2", "SDK node in group p starts (after removal from p)", () -> node("p2", "p2", "p").start());
    // p1, still a member, is unaffected
    coord.awaitMembers("p", 2, WAIT).block(WAIT);
    Gathered after = coord.broadcast("p", Message.builder().tag("train").payload(text("model", "model 2")).build(),
        GatherPolicy.all().withDeadline(WAIT)).block(WAIT);
    assertEquals(List.of("p1"), after.replies().stream().map(Message::source).toList(), after.toString());

    // 5. a record changed on the way is detected by the receiving SDK node
    String tampered = raw.forge("p1", "p1", "note", true);
    for (Node n : nodes) {
      n.close();
    }
    int onDisk = Attempts.countMarker(sn.broker.dataDir().resolve("kafka").resolve("data"));
    int inRouter = Attempts.countMarker(sn.dir.resolve("router-state"));

    List<Attempts.Attempt> all = raw.attempts();
    long refused = all.stream().filter(Attempts.Attempt::refused).count();
    long byBroker = all.stream().filter(a -> a.outcome().startsWith("denied")).count();
    StringBuilder report = new StringBuilder("\nR5 (secured platform, SDK nodes in the per-site layout, sealed end to end:"
        + " coordinator, two participants, another project)\n");
    report.append(String.format("  joins: the router recorded p1 and p2 in p; site sync created %d ACLs%n", granted.created()));
    report.append(String.format("  allowed traffic: broadcast of p to %d participants, %d sealed updates gathered%n",
        2, round.replies().size()));
    all.forEach(a -> report.append(String.format("  %-5s %-66s %s%n", a.who(), a.what(), a.outcome())));
    report.append(String.format("  refused: %d of %d attempts (%.0f %%): %d denied by the broker, %d rejected by signature%n",
        refused, all.size(), 100.0 * refused / all.size(), byBroker, refused - byBroker));
    report.append(String.format("  removal took effect in %.0f ms (%d ACLs deleted by site sync)%n", tookMs, removed.deleted()));
    report.append("  plaintext marker in the broker's log segments (every topic, every changelog): " + onDisk + " occurrences\n");
    report.append("  plaintext marker in the router's state directory: " + inRouter + " occurrences\n");
    report.append("  tampered record: " + tampered + "\n");
    System.out.println(report);

    assertEquals(all.size(), refused, report.toString());
    assertTrue(all.size() >= 24, report.toString());
    assertTrue(granted.created() > 0 && removed.deleted() > 0, report.toString());
    assertEquals(0, onDisk, report.toString());
    assertEquals(0, inRouter, report.toString());
    // a changed ciphertext byte no longer matches the signed digest in the sealed header (TAMPERED); a
    // change the signature itself covers would be BAD_SIGNATURE: either is a detection
    assertTrue(Set.of("dead-lettered BAD_SIGNATURE", "dead-lettered TAMPERED").contains(tampered), report.toString());
  }

  /** An attempt through the SDK: refused when it fails with {@code FORBIDDEN} (the broker's ACLs). */
  private void sdk(String who, String what, Supplier<Mono<?>> action) {
    String outcome;
    try {
      action.get().block(WAIT);
      outcome = "DONE";
    } catch (NodeException e) {
      outcome = e.errorCode() == ErrorCode.FORBIDDEN ? "denied by the broker (FORBIDDEN)" : "FAILED " + e.errorCode()
          + ": " + e.getMessage();
    }
    raw.add(who, what, outcome);
  }
}
