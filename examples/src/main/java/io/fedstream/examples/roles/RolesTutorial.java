package io.fedstream.examples.roles;

import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeSpec;
import io.fedstream.roles.RoleInstanceId;
import io.fedstream.roles.RoleNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * RoleML's message-channel tutorial, ported: four parts, each on its own nodes, printing what
 * happens. {@code ./fedstream demo roles} runs them in sequence; {@code RolesTutorialIT} checks them.
 * Events need the namespace's router.
 */
public final class RolesTutorial {

  /** What the parts saw. */
  public record Report(AnotherRole.Outcome serviceTask, AnotherRole.Outcome relationship,
      Map<String, Integer> servedByInstance, Map<String, List<String>> eventsByConditions, List<String> followed) {
  }

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final NodeConfig base;
  private final PrintWriter out;
  private final Duration heavyJob;

  /**
   * @param base the namespace's config (bootstrap, registry, namespace); node ids come from the parts
   * @param heavyJob how long {@code heavy_job} works (the seed: 5 s)
   * @param out where the parts print
   */
  public RolesTutorial(NodeConfig base, Duration heavyJob, PrintWriter out) {
    this.base = base;
    this.heavyJob = heavyJob;
    this.out = out;
  }

  /** Runs the four parts in order. */
  public Report run() throws Exception {
    AnotherRole.Outcome one = serviceAndTask();
    Map<String, Integer> served = new LinkedHashMap<>();
    AnotherRole.Outcome two = relationshipAndGroup(served);
    Map<String, List<String>> events = eventsAndConditions();
    List<String> followed = subscriptionsFollowARelationship();
    return new Report(one, two, served, events, followed);
  }

  private RoleNode node(String id, NodeSpec.Builder spec) {
    return RoleNode.create(base, spec.build());
  }

  private void title(String s) {
    out.println();
    out.println("== " + s);
    out.flush();
  }

  /** Part 1: the provider and its caller on one node, found by the local fallback; a caller error. */
  public AnotherRole.Outcome serviceAndTask() throws Exception {
    title("ServiceTaskProvider: echo (service) and heavy_job (task, " + heavyJob.toSeconds() + " s),"
        + " called by AnotherRole on the same node (no relationship: local fallback)");
    try (RoleNode alice = node("alice", NodeSpec.builder("alice").roles("service-provider", "another-role"))) {
      alice.deploy("service-provider", new ServiceTaskProvider(heavyJob));
      AnotherRole caller = alice.deploy("another-role",
          new AnotherRole(RoleInstanceId.of("alice/service-provider"), false, out));
      return caller.outcome().get(WAIT.toSeconds() + heavyJob.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /**
   * Part 2: three providers on three nodes in the caller's relationship {@code service-provider}:
   * calls by relationship (the role's consumer group picks an instance), by instance id, and a group
   * call; then 30 calls by relationship, counted per instance.
   */
  public AnotherRole.Outcome relationshipAndGroup(Map<String, Integer> served) throws Exception {
    title("AnotherRole calls by relationship, by RoleInstanceId, and call_group over three providers");
    List<RoleNode> nodes = new ArrayList<>();
    try {
      Map<String, ServiceTaskProvider> providers = new LinkedHashMap<>();
      for (String p : List.of("p1", "p2", "p3")) {
        RoleNode n = node(p, NodeSpec.builder(p).roles("provider"));
        nodes.add(n);
        providers.put(p + "/provider", n.deploy("provider", new ServiceTaskProvider(heavyJob)));
      }
      RoleNode callerNode = node("caller", NodeSpec.builder("caller").roles("another-role")
          .relationship("service-provider", "p1/provider", "p2/provider", "p3/provider"));
      nodes.add(callerNode);
      AnotherRole caller = callerNode.deploy("another-role", new AnotherRole(RoleInstanceId.of("p2/provider"), true, out));
      AnotherRole.Outcome o = caller.outcome().get(WAIT.toSeconds() + heavyJob.toSeconds(), TimeUnit.SECONDS);
      Map<String, Integer> before = new LinkedHashMap<>();
      providers.forEach((k, v) -> before.put(k, v.served()));
      for (int i = 0; i < 30; i++) {
        caller.call("service-provider", "echo", io.fedstream.roles.Args.of("comment", "call " + i));
      }
      providers.forEach((k, v) -> served.put(k, v.served() - before.get(k)));
      out.println("  30 calls by relationship went to: " + served
          + " (Kafka's consumer group of role 'provider' spreads them over the instances)");
      return o;
    } finally {
      java.util.Collections.reverse(nodes);
      nodes.forEach(RoleNode::close);
    }
  }

  /** Part 3: the seed's msg1-msg3 and its condition table. */
  public Map<String, List<String>> eventsAndConditions() throws Exception {
    title("EventSource emits msg1-msg3; EventSubscribers subscribe by relationship with the seed's conditions");
    try (RoleNode sub = node("subscriber", NodeSpec.builder("subscriber")
            .roles("a-equals-1", "a-gt-1", "a-gt-1-and-c-16", "d-equals-32", "everything")
            .relationship("event-source", "source/event-source"));
        RoleNode src = node("source", NodeSpec.builder("source").roles("event-source"))) {
      List<EventSubscribers.Recording> subs = List.of(
          sub.deploy("a-equals-1", new EventSubscribers.AEquals1()),
          sub.deploy("a-gt-1", new EventSubscribers.AGreaterThan1()),
          sub.deploy("a-gt-1-and-c-16", new EventSubscribers.AGreaterThan1AndC16()),
          sub.deploy("d-equals-32", new EventSubscribers.DEquals32()));
      EventSubscribers.Recording all = sub.deploy("everything", new EventSubscribers.Everything());
      out.println("  5 subscriptions live (acknowledged by the router); deploying the source ...");
      EventSource source = src.deploy("event-source", new EventSource());
      source.emitted().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await("the three events", () -> all.got().size() >= 3 && subs.get(1).got().size() >= 2
          && subs.get(0).got().size() >= 1 && subs.get(2).got().size() >= 1);
      Map<String, List<String>> table = new LinkedHashMap<>();
      out.println("  | Conditions | Event Messages Received |");
      for (EventSubscribers.Recording r : subs) {
        table.put(r.conditions(), r.got());
        out.println("  | " + r.conditions() + " | " + (r.got().isEmpty() ? "None" : String.join(", ", r.got())) + " |");
      }
      out.flush();
      return table;
    }
  }

  /**
   * Part 4: a watcher whose relationship {@code sensor} is empty at start falls back to the local
   * sensor; two remote sensors join, one leaves; the local subscription stays throughout.
   */
  public List<String> subscriptionsFollowARelationship() throws Exception {
    title("Automatic subscription following the relationship 'sensor' as instances join and leave");
    try (RoleNode w = node("watcher", NodeSpec.builder("watcher").roles("watcher", "sensor"));
        RoleNode s1 = node("s1", NodeSpec.builder("s1").roles("sensor"));
        RoleNode s2 = node("s2", NodeSpec.builder("s2").roles("sensor"))) {
      Sensor local = w.deploy("sensor", new Sensor());
      Watcher watcher = w.deploy("watcher", new Watcher());
      Sensor one = s1.deploy("sensor", new Sensor());
      Sensor two = s2.deploy("sensor", new Sensor());
      out.println("  relationship 'sensor' is empty: the watcher subscribed to the local role watcher/sensor");
      local.read(0);
      await("the local reading", () -> watcher.got().contains("watcher/sensor=0"));
      w.addToRelationship("sensor", RoleInstanceId.of("s1/sensor"), RoleInstanceId.of("s2/sensor"));
      out.println("  s1/sensor and s2/sensor joined the relationship: subscribed (live) to both");
      one.read(1);
      two.read(2);
      local.read(3);
      await("readings 1, 2, 3", () -> watcher.got().containsAll(List.of("s1/sensor=1", "s2/sensor=2", "watcher/sensor=3")));
      w.removeFromRelationship("sensor", RoleInstanceId.of("s1/sensor"));
      out.println("  s1/sensor left the relationship: unsubscribed from it");
      one.read(4);
      two.read(5);
      local.read(6);
      await("readings 5, 6", () -> watcher.got().containsAll(List.of("s2/sensor=5", "watcher/sensor=6")));
      out.println("  the watcher got: " + watcher.got());
      out.flush();
      return watcher.got();
    }
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      synchronized (done) {
        done.wait(50);
      }
    }
  }
}
