package io.fedstream.examples.rollout;

import io.fedstream.node.NodeConfig;
import io.fedstream.proxy.Dist;
import io.fedstream.proxy.Event;
import io.fedstream.proxy.Message;
import io.fedstream.proxy.Proxy;
import io.fedstream.proxy.RegisterTable;
import io.fedstream.proxy.Session;
import io.fedstream.proxy.SessionMessage;
import io.fedstream.proxy.SessionType;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * MARO's distributed communication tutorial as one program: a master and N workers in the group
 * {@code rollout-farm}. Each worker is a plain {@link Worker} made distributed with {@link Dist}
 * ({@code master:rollout:1} → {@link Worker#onRollout}) and checks in with a notification. The
 * master broadcasts rollout tasks; its register table gathers the workers' {@code update}s with
 * {@code worker:update:60%} and with a mixed AND/OR event; then it sends one rollout as a blocking
 * TASK to one worker. Everything each handler got and each session's stages are printed.
 *
 * <p>It needs the namespace's router (the register table lives there). {@link #run()} starts every
 * node and closes them all before it returns.
 */
public final class RolloutExample {

  /** The group of the example. */
  public static final String GROUP = "rollout-farm";

  /**
   * What the run did, for tests.
   *
   * @param checkIns the workers whose check_in the master received
   * @param percentTriggers for each round, the updates the {@code worker:update:60%} handler got
   * @param mixedTriggers the updates each trigger of the mixed event got
   * @param workerRollouts what each worker's handler got
   * @param sendReply the reply of the blocking TASK send
   * @param stages the master's view of each session it opened, in order
   */
  public record Report(List<String> checkIns, List<List<Message>> percentTriggers, List<List<Message>> mixedTriggers,
      Map<String, List<String>> workerRollouts, Message sendReply, Map<String, Session> stages) {
  }

  private final NodeConfig config;
  private final int workers;
  private final int rounds;
  private final PrintWriter out;
  private final Duration wait = Duration.ofSeconds(60);

  /**
   * @param config bootstrap servers, registry and namespace (node id and groups are set here)
   * @param workers number of workers, at least 3 (the mixed event names three)
   * @param rounds rounds of broadcast rollouts, at least 1
   * @param out where the example prints
   */
  public RolloutExample(NodeConfig config, int workers, int rounds, PrintWriter out) {
    if (workers < 3 || rounds < 1) {
      throw new IllegalArgumentException("at least 3 workers and 1 round, got " + workers + " and " + rounds);
    }
    this.config = Objects.requireNonNull(config, "config");
    this.workers = workers;
    this.rounds = rounds;
    this.out = out;
  }

  private void say(String format, Object... args) {
    synchronized (out) {
      out.printf(format + "%n", args);
      out.flush();
    }
  }

  /** Runs the example; every proxy is closed when it returns. */
  public Report run() throws Exception {
    List<Proxy> proxies = new ArrayList<>();
    List<Dist<Worker>> dists = new ArrayList<>();
    Map<String, Worker> local = new LinkedHashMap<>();
    // one thread per joining component: each blocks until the others are there
    java.util.concurrent.ExecutorService joining = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      // Every component joins and waits for its expected peers, all at once.
      CompletableFuture<Proxy> masterJoin = CompletableFuture.supplyAsync(() -> Proxy.builder(config).group(GROUP)
          .componentType("master").name("master").expectedPeers(Map.of("worker", workers)).joinDeadline(wait).join(),
          joining);
      List<CompletableFuture<Proxy>> workerJoins = new ArrayList<>();
      for (int i = 1; i <= workers; i++) {
        String name = "worker." + i;
        workerJoins.add(CompletableFuture.supplyAsync(() -> Proxy.builder(config).group(GROUP)
            .componentType("worker").name(name).expectedPeers(Map.of("master", 1)).joinDeadline(wait).join(), joining));
      }
      Proxy master = masterJoin.get(wait.toMillis() * 2, TimeUnit.MILLISECONDS);
      proxies.add(master);
      for (CompletableFuture<Proxy> f : workerJoins) {
        proxies.add(f.get(wait.toMillis() * 2, TimeUnit.MILLISECONDS));
      }
      say("Group %s: %s sees peers %s", GROUP, master.name(), master.peers());

      // The master's register table: 60% of the workers' updates, and a mixed AND/OR event.
      BlockingQueue<List<Message>> percent = new LinkedBlockingQueue<>();
      List<List<Message>> mixed = new java.util.concurrent.CopyOnWriteArrayList<>();
      Event mixedEvent = Event.of(Event.of("worker.1:update:1", "worker.2:update:1", "AND"), "worker.3:update:2", "OR");
      RegisterTable<Proxy> table = master.registerTable(master)
          .register("worker:update:60%", (that, proxy, messages) -> {
            say("  [master] worker:update:60%% got %d message(s): %s", messages.size(), describe(messages));
            percent.add(messages);
          })
          .register(mixedEvent, (that, proxy, messages) -> {
            say("  [master] %s got %d message(s): %s", mixedEvent, messages.size(), describe(messages));
            mixed.add(messages);
          });
      table.awaitLive(wait);

      // Each worker: a plain object made distributed, then a check_in notification.
      for (Proxy p : proxies.subList(1, proxies.size())) {
        Dist<Worker> dist = Dist.of(p, Map.of("master:rollout:1", Worker::onRollout));
        local.put(p.name(), dist.wrap(new Worker(p.name(), out)));
        dists.add(dist);
      }
      for (Proxy p : proxies.subList(1, proxies.size())) {
        p.send(new SessionMessage("check_in", null, "master", Map.of("worker", p.name()), SessionType.NOTIFICATION));
      }
      List<String> checkIns = new ArrayList<>();
      Iterator<Message> inbox = master.receive().iterator();
      while (checkIns.size() < workers && inbox.hasNext()) {
        Message m = inbox.next();
        if (m.tag().equals("check_in")) {
          checkIns.add(m.source());
          String sender = proxies.stream().filter(p -> p.name().equals(m.source())).findFirst()
              .flatMap(p -> p.session(m.sessionId())).map(Session::path).orElse("?");
          say("  [master] check_in from %s (NOTIFICATION session %s: %s on %s, %s on the master)", m.source(),
              m.sessionId().substring(0, 8), sender, m.source(),
              master.session(m.sessionId()).map(Session::path).orElse("?"));
        }
      }

      // Rounds: one broadcast TASK each; the 60% handler releases the round.
      Map<String, Session> stages = new LinkedHashMap<>();
      List<List<Message>> percentTriggers = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        List<String> sessions = master.ibroadcast("worker", "rollout", SessionType.TASK, Map.of("round", round,
            "steps", 100));
        say("Round %d: master broadcast rollout to %d workers (TASK session %s)", round, workers,
            sessions.get(0).substring(0, 8));
        List<Message> got = percent.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (got == null) {
          throw new IllegalStateException("no 60% of updates in round " + round + " within " + wait);
        }
        percentTriggers.add(got);
        String what = "broadcast round " + round;
        master.session(sessions.get(0)).ifPresent(s -> stages.put(what, s));
      }

      // A blocking TASK to one worker: send returns its reply.
      SessionMessage task = new SessionMessage("rollout", null, "worker.1", Map.of("round", rounds + 1, "steps", 100));
      Message reply = master.send(task).get(0);
      say("send: rollout TASK to worker.1 -> %s %s", reply.tag(), reply.payload());
      master.session(task.sessionId()).ifPresent(x -> stages.put("send", x));
      stages.forEach((what, s) -> say("Session %s (%s, %s) on the master: %s", s.id().substring(0, 8), what, s.type(),
          s.path()));
      Map<String, List<String>> rollouts = new LinkedHashMap<>();
      local.forEach((n, w) -> rollouts.put(n, w.got()));
      return new Report(checkIns, percentTriggers, List.copyOf(mixed), rollouts, reply, stages);
    } finally {
      joining.shutdown();
      dists.forEach(Dist::stop);
      for (int i = proxies.size() - 1; i >= 0; i--) {
        proxies.get(i).close();
      }
    }
  }

  private static String describe(List<Message> messages) {
    List<String> parts = new ArrayList<>();
    for (Message m : messages) {
      Object p = m.payload();
      if (p instanceof Map<?, ?> map) {
        parts.add(m.source() + " round " + map.get("round") + " reward " + map.get("reward"));
      } else {
        parts.add(m.source() + " " + m.tag());
      }
    }
    return String.join("; ", parts);
  }
}
