package io.fedstream.bench;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.Value;
import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Gathered;
import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeHost;
import io.fedstream.node.Payload;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import io.fedstream.protocol.RouterContract;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
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

  // ---------------------------------------------------------------- large

  /** The generated bytes of {@code large}: the same 1 MiB chunks as the plain side, as a stream. */
  static final class Generated extends InputStream {
    private final long size;
    private final Random random = new Random(42);
    private final byte[] chunk = new byte[LargeWorkload.CHUNK];
    private long position;
    private int inChunk = LargeWorkload.CHUNK;
    private long index;

    Generated(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      if (inChunk == chunk.length) {
        LargeWorkload.fill(chunk, index++, random);
        inChunk = 0;
      }
      int n = (int) Math.min(Math.min(len, chunk.length - inChunk), size - position);
      System.arraycopy(chunk, inChunk, b, off, n);
      inChunk += n;
      position += n;
      return n;
    }
  }

  static String sha256(InputStream in) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      sha.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** One payload of {@code bytes} streamed to a receiver node in a child JVM with {@code -Xmx<heapMib>m}. */
  static Map<String, Double> large(Cluster cluster, long bytes, int receiverHeapMib) throws Exception {
    String ns = namespace("large");
    String expected = sha256(new Generated(bytes));
    Path transfer = Files.createTempDirectory("bench-large-transfer");
    try (Node sender = node(cluster, ns, "sender", Map.of());
         ChildJvm receiver = ChildJvm.start(java.util.stream.Stream.concat(java.util.stream.Stream.of("-Xmx" + receiverHeapMib + "m"),
             Sealing.childOptions().stream()).toList(), LargeSink.class.getName(),
             List.of(cluster.bootstrap(), cluster.registryUrl(), ns, transfer.toString()))) {
      double receiverCpu0 = LargeWorkload.cpu(receiver.await("READY", 180));
      double senderCpu0 = ProcessCpu.seconds();
      long start = System.nanoTime();
      sender.send(Message.builder().tag("big").to("receiver")
          .payload(Payload.ofStream("blob", bytes, () -> new Generated(bytes))).build()).block(Duration.ofMinutes(30));
      double receiverCpu = LargeWorkload.cpu(receiver.await("RECEIVED", 1800)) - receiverCpu0;
      double seconds = (System.nanoTime() - start) / 1e9;
      double senderCpu = ProcessCpu.seconds() - senderCpu0;
      String done = receiver.await("DONE", 600);
      Map<String, String> f = LargeWorkload.fields(done);
      if (!expected.equals(f.get("sha256")) || Long.parseLong(f.get("bytes")) != bytes) {
        throw new BenchException("large fedstream: the receiver got " + done + ", expected bytes=" + bytes
            + " sha256=" + expected);
      }
      receiver.waitFor(60);
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("mb_per_s", bytes / 1e6 / seconds);
      v.put("total_s", seconds);
      v.put("receiver_heap_mib", Double.parseDouble(f.get("heap_mib")));
      v.put("sender_cpu_s", senderCpu);
      v.put("receiver_cpu_s", receiverCpu);
      return v;
    } finally {
      deleteTree(transfer);
    }
  }

  /** The receiving node of {@code large}: {@code LargeSink <bootstrap> <registry> <namespace> <transferDir>}. */
  static final class LargeSink {
    private LargeSink() {}

    public static void main(String[] args) throws Exception {
      try (HeapPeak heap = new HeapPeak();
           Node receiver = Node.create(Sealing.apply(NodeConfig.builder().bootstrapServers(args[0]).registryUrl(args[1])
               .namespace(args[2]).nodeId("receiver").set(NodeConfig.TRANSFER_DIR, args[3]), "receiver").build())) {
        receiver.start().block(START);
        System.out.println("READY cpu_s=" + ProcessCpu.seconds());
        System.out.flush();
        Message m = receiver.receive().next().block(Duration.ofMinutes(30));
        if (Sealing.enabled()) {
          // Sealed: the payload is decrypted as it is read, so the transfer ends when the plaintext
          // has been read once (decrypted and authenticated, not hashed).
          try (InputStream in = m.payload("blob").orElseThrow().openStream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
        }
        // Delivered: the SDK has reassembled the chunks and checked their SHA-256. The bench's own
        // end-to-end hash below re-reads the file and is not part of the timed transfer.
        System.out.println("RECEIVED cpu_s=" + ProcessCpu.seconds());
        System.out.flush();
        Payload p = m.payload("blob").orElseThrow();
        String sha;
        try (InputStream in = p.openStream()) {
          sha = sha256(in);
        }
        if (p.file().isPresent()) {
          Files.deleteIfExists(p.file().get());
        }
        System.out.println("DONE bytes=" + p.size() + " sha256=" + sha + " heap_mib=" + Report.num(heap.peakMib()));
        System.out.flush();
      }
      System.exit(0);
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

  // ---------------------------------------------------------------- router

  /** The router's events: envelopes on the role's event topic with an {@code i} arg that matches one subscription. */
  static final class RouterSetup implements AutoCloseable {
    final String ns = namespace("router");
    static final String ROLE = "bench-source";
    static final String CHANNEL = "tick";
    final String role = ROLE;
    final String channel = CHANNEL;
    final String topic;
    final List<byte[]> events = new ArrayList<>();
    final AvroWire<Envelope> envelopes;
    final AvroWire<Subscription> subscriptionWire;
    /** The partition the node SDK writes the channel's events to (RoutedRecords.channelPartition). */
    final int partition;

    RouterSetup(Cluster cluster, int distinct) {
      topic = Topics.events(ns, role);
      partition = io.fedstream.schemas.RoutedRecords.channelPartition(role, channel,
          TopicSettings.forTopic(topic).partitions());
      SchemaRegistryClient registry = SchemaRegistryClient.create(cluster.registryUrl());
      envelopes = AvroWire.of(Envelope.class, registry);
      subscriptionWire = AvroWire.of(Subscription.class, registry);
      for (int i = 0; i < distinct; i++) {
        Map<String, Value> args = new HashMap<>();
        args.put("i", new Value((long) i));
        args.put("loss", new Value(0.5));
        Envelope e = Envelope.newBuilder().setMessageId(UUID.randomUUID().toString())
            .setSessionId(UUID.randomUUID().toString()).setKind(Kind.EVENT).setTag(channel)
            .setSource("emitter-" + (i % 8)).setDestination(null).setCreatedAt(Instant.now()).setArgs(args).build();
        events.add(envelopes.encode(topic, e));
      }
    }

    @Override
    public void close() {}
  }

  /** Event bytes for the pass-through baseline, the same envelopes the router gets. */
  static List<byte[]> routerEvents(Cluster cluster, int distinct) {
    return new RouterSetup(cluster, distinct).events;
  }

  static Map<String, Double> router(Cluster cluster, int events, int subscriptions) throws Exception {
    RouterSetup s = new RouterSetup(cluster, subscriptions);
    TopicSettings settings = TopicSettings.forTopic(s.topic);
    cluster.createTopics(settings.partitions(), settings.configs(), s.topic);
    Path state = Files.createTempDirectory("bench-router-state");
    Map<String, Object> m = new HashMap<>();
    m.put(RouterConfig.BOOTSTRAP_SERVERS, cluster.bootstrap());
    m.put(RouterConfig.REGISTRY_URL, cluster.registryUrl());
    m.put(RouterConfig.NAMESPACE, s.ns);
    m.put(RouterConfig.STATE_DIR, state.toString());
    m.put(RouterConfig.INSTANCE_ID, "bench");
    m.put(RouterConfig.REPLICATION_FACTOR, "1");
    // -Dbench.router.<key>=<value> sets a router config key (e.g. num.stream.threads) for tuning runs
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.router."))
        .forEach(k -> m.put(k.substring("bench.router.".length()), System.getProperty(k)));
    java.util.Properties pp = Clients.producer(cluster, 5);
    try (Router router = Router.start(RouterConfig.of(m));
         KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
         KafkaConsumer<String, byte[]> reader = RouterWorkload.readCommitted(cluster)) {
      if (!router.awaitRunning(START)) {
        throw new BenchException("router fedstream: the router is not RUNNING after " + START);
      }
      String subs = Topics.subscriptions(s.ns);
      for (int i = 0; i < subscriptions; i++) {
        Subscription sub = RouterContract.checkSubscription(RouterContract.subscription("sub-" + i, s.role, s.channel)
            .setConditions(new HashMap<>(Map.of("i__eq", new Value((long) i)))).build());
        producer.send(new ProducerRecord<>(subs, sub.getSubscriptionId(), s.subscriptionWire.encode(subs, sub)));
      }
      producer.flush();
      String mailbox = Topics.mailbox(s.ns);
      reader.subscribe(List.of(mailbox));
      Clients.awaitAssignment(reader, Duration.ofSeconds(30));
      // Probe until every subscription has delivered once: the router holds all of them (and is warm).
      Set<String> seen = new HashSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (seen.size() < subscriptions) {
        if (System.nanoTime() > deadline) {
          throw new BenchException("router fedstream: only " + seen.size() + " of " + subscriptions
              + " subscriptions delivered within 120 s");
        }
        for (int i = 0; i < subscriptions; i++) {
          if (!seen.contains("sub-" + i)) {
            producer.send(new ProducerRecord<>(s.topic, s.partition, "emitter", s.events.get(i)));
          }
        }
        producer.flush();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until && seen.size() < subscriptions) {
          for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(100))) {
            seen.add(r.key());
          }
        }
      }
      // drain what the probes left behind
      while (!reader.poll(Duration.ofMillis(500)).isEmpty()) {
        // nothing: discard
      }
      long cpu = ProcessCpu.nanos();
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        producer.send(new ProducerRecord<>(s.topic, s.partition, "emitter-" + (i % 64), s.events.get(i % subscriptions)));
      }
      producer.flush();
      long end = RouterWorkload.countUntil(reader, events, "router fedstream");
      double seconds = (end - start) / 1e9;
      Map<String, Double> v = new LinkedHashMap<>();
      v.put("events_per_s", events / seconds);
      v.put("process_s", seconds);
      v.put("cpu_us_per_event", (ProcessCpu.nanos() - cpu) / 1e3 / events);
      return v;
    } finally {
      deleteTree(state);
    }
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
