package io.fedstream.bench;

import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Gathered;
import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeHost;
import io.fedstream.node.Payload;
import io.fedstream.router.Router;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * The FedStream sides of the workloads, written against the node SDK ({@code io.fedstream.node})
 * and the router ({@code io.fedstream.router}). Every node runs against the workload's broker and
 * a real registry ({@code --registry}, else an embedded one started on first use).
 */
final class FedStream {
  private FedStream() {}

  static final Duration START = Duration.ofSeconds(120);

  /** Null when the node SDK can be used, else the reason to print. */
  static String sdkMissing() {
    return present("io.fedstream.node.Node") ? null : "sdk-not-on-classpath";
  }

  /** Null when the router can be used, else the reason to print. */
  static String routerMissing() {
    return present("io.fedstream.router.Router") ? null : "router-not-on-classpath";
  }

  private static boolean present(String type) {
    try {
      Class.forName(type, false, FedStream.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** A fresh namespace: lower-case letters, digits and hyphens. */
  static String namespace(String what) {
    return "bench-" + what + "-" + Long.toHexString(System.nanoTime() & 0xFFFFFFL);
  }

  static NodeConfig.Builder config(Cluster cluster, String ns) {
    return NodeConfig.builder()
        .bootstrapServers(cluster.bootstrap())
        .registryUrl(cluster.registryUrl())
        .namespace(ns);
  }

  static Node node(Cluster cluster, String ns, String id, Map<String, Object> extra) {
    NodeConfig.Builder b = Sealing.apply(config(cluster, ns).nodeId(id), id);
    extra.forEach(b::set);
    Node n = Node.create(b.build());
    n.start().block(START);
    return n;
  }

  // ---------------------------------------------------------------- rr

  static RrWorkload.Peer rrPeer(Cluster cluster) {
    return new RrPeer(cluster);
  }

  /** {@code request} from one standalone node to another that serves it (echoing the args). */
  static final class RrPeer implements RrWorkload.Peer {
    private final Node server;
    private final Node client;

    RrPeer(Cluster cluster) {
      String ns = namespace("rr");
      server = node(cluster, ns, "server", Map.of());
      client = node(cluster, ns, "client", Map.of());
      server.serve("ping", req -> Mono.just(Message.builder().tag("pong").args(req.args()).build()));
    }

    @Override
    public String side() {
      return "fedstream";
    }

    @Override
    public long call(byte[] args) {
      long start = System.nanoTime();
      Message reply = client.request(Message.builder().tag("ping").to("server").arg("data", args).build(),
          Duration.ofSeconds(30)).block(Duration.ofSeconds(35));
      long took = System.nanoTime() - start;
      if (reply == null) {
        throw new BenchException("fedstream rr: an empty reply");
      }
      return took;
    }

    @Override
    public void close() {
      client.close();
      server.close();
    }
  }

  // ---------------------------------------------------------------- oneway

  /** {@code send} from one node to another's {@code receive}, pipelined with {@code isend}; linger 5 ms like the plain producer. */
  static Map<String, Double> oneway(Cluster cluster, int messages, int messageBytes) throws InterruptedException {
    String ns = namespace("oneway");
    byte[] body = new byte[messageBytes];
    ThreadLocalRandom.current().nextBytes(body);
    Map<String, Object> throughput = Map.of(NodeConfig.LINGER_MS, 5);
    try (Node receiver = node(cluster, ns, "receiver", throughput);
         Node sender = node(cluster, ns, "sender", throughput)) {
      AtomicLong received = new AtomicLong();
      AtomicLong last = new AtomicLong();
      java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(1);
      reactor.core.Disposable sub = receiver.receive().subscribe(m -> {
        if (received.incrementAndGet() == messages) {
          last.set(System.nanoTime());
          all.countDown();
        }
      });
      try {
        long start = System.nanoTime();
        io.fedstream.node.Tracked lastSent = null;
        for (int i = 0; i < messages; i++) {
          // a message per send: each has its own id (the receiver drops repeated ids). Only the
          // last acknowledgement is awaited: the receiver's count proves every delivery.
          lastSent = sender.isend(Message.builder().tag("data").to("receiver").payload(Payload.ofBytes("body", body))
              .build());
        }
        lastSent.acked().block(Duration.ofMinutes(10));
        long sent = System.nanoTime();
        if (!all.await(10, TimeUnit.MINUTES)) {
          throw new BenchException("oneway fedstream: received " + received.get() + " of " + messages + " in 10 min");
        }
        double seconds = (last.get() - start) / 1e9;
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("msg_per_s", messages / seconds);
        v.put("mb_per_s", messages * (double) messageBytes / 1e6 / seconds);
        v.put("send_s", (sent - start) / 1e9);
        v.put("total_s", seconds);
        return v;
      } finally {
        sub.dispose();
      }
    }
  }

  // ---------------------------------------------------------------- round

  /**
   * A server node broadcasts the model to the group of {@code clients} client nodes (hosted by one
   * {@link NodeHost}) as a request; each client replies with an update of the same size; the
   * server gathers all replies ({@link GatherPolicy#all()}).
   */
  static Map<String, Double> round(Cluster cluster, int modelBytes, int clients) throws Exception {
    String ns = namespace("round");
    Path dir = Files.createTempDirectory("bench-round");
    Path model = dir.resolve("model.bin");
    Path update = dir.resolve("update.bin");
    byte[] data = new byte[modelBytes];
    ThreadLocalRandom.current().nextBytes(data);
    Files.write(model, data);
    Files.write(update, data);
    Path transfer = Files.createDirectories(dir.resolve("transfer"));
    NodeConfig hostConfig = config(cluster, ns).hostId("bench-clients").set(NodeConfig.TRANSFER_DIR, transfer.toString())
        .build();
    try (NodeHost host = NodeHost.create(hostConfig);
         Node server = node(cluster, ns, "server", Map.of(NodeConfig.TRANSFER_DIR, transfer.toString()))) {
      for (int c = 0; c < clients; c++) {
        Node n = host.addNode("client-" + c, List.of("clients"));
        n.serve("train", req -> {
          req.payloads().forEach(FedStream::deleteFile);
          return Mono.just(Message.builder().tag("update").payload(Payload.ofFile("update", update)).build());
        });
      }
      host.start().block(START);
      server.awaitMembers("clients", clients, START).block(START);
      long start = System.nanoTime();
      Gathered g = server.broadcast("clients", Message.builder().tag("train").payload(Payload.ofFile("model", model))
          .build(), GatherPolicy.builder().deadline(Duration.ofMinutes(15)).build()).block(Duration.ofMinutes(16));
      double seconds = (System.nanoTime() - start) / 1e9;
      if (g == null || g.replies().size() != clients) {
        throw new BenchException("round fedstream: gathered " + (g == null ? 0 : g.replies().size()) + " of " + clients
            + (g == null ? "" : " (missing " + g.missing().size() + ", failures " + g.failures() + ")"));
      }
      long gathered = 0;
      for (Message m : g.replies()) {
        for (Payload p : m.payloads()) {
          gathered += p.size();
          deleteFile(p);
        }
      }
      if (gathered != (long) modelBytes * clients) {
        throw new BenchException("round fedstream: gathered " + gathered + " bytes, expected " + (long) modelBytes * clients);
      }
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("round_s", seconds);
      return v;
    } finally {
      deleteTree(dir);
    }
  }

  // ---------------------------------------------------------------- nodes

  /**
   * {@code nodes} virtual nodes in one {@link NodeHost}: seconds from {@code start()} until an
   * observer node sees all of them present; one broadcast-and-gather round of a tiny request to
   * all of them; heap per idle node (used heap after full collections with the host running,
   * minus before it was created, divided by the nodes).
   */
  static Map<String, Double> nodes(Cluster cluster, int nodes) throws Exception {
    String ns = namespace("nodes");
    try (Node observer = node(cluster, ns, "observer", Map.of())) {
      long before = settledHeap();
      NodeHost host = NodeHost.create(config(cluster, ns).hostId("bench-virtual").build());
      try {
        for (int i = 0; i < nodes; i++) {
          Node n = host.addNode("v-" + i, List.of("all"));
          n.serve("ping", req -> Mono.just(Message.builder().tag("pong").build()));
        }
        long start = System.nanoTime();
        host.start().block(START);
        observer.awaitMembers("all", nodes, Duration.ofMinutes(5)).block(Duration.ofMinutes(6));
        double present = (System.nanoTime() - start) / 1e9;
        long r0 = System.nanoTime();
        Gathered g = observer.broadcast("all", Message.builder().tag("ping").arg("round", 1L).build(),
            GatherPolicy.builder().deadline(Duration.ofMinutes(2)).build()).block(Duration.ofMinutes(3));
        double round = (System.nanoTime() - r0) / 1e9;
        if (g == null || g.replies().size() != nodes) {
          throw new BenchException("nodes fedstream: the round gathered " + (g == null ? 0 : g.replies().size())
              + " of " + nodes);
        }
        long after = settledHeap();
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("present_s", present);
        v.put("round_s", round);
        v.put("idle_kib_per_node", Math.max(0, after - before) / 1024.0 / nodes);
        v.put("host_heap_mib", Math.max(0, after - before) / (1024.0 * 1024.0));
        return v;
      } finally {
        host.close();
      }
    }
  }

  /** Used heap after a few full collections (the JVM may ignore System.gc; then this is an upper bound). */
  static long settledHeap() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200); // let the collection and reference processing finish
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  // ---------------------------------------------------------------- files

  static void deleteFile(Payload p) {
    p.file().ifPresent(f -> {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        // a leftover temp file
      }
    });
  }

  static void deleteTree(Path dir) {
    TempFiles.deleteTree(dir);
  }
}
