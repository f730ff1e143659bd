package io.fedstream.launcher.demo;

import io.fedstream.node.NodeConfig;
import io.fedstream.schemas.FedStreamException;
import io.fedstream.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo federation: the client/server message-passing tutorial. One server and N clients run
 * for a bounded number of rounds; in each round every client sends a message to the server, the
 * server replies to the sender, and every node prints what it received, with the sender and the
 * time it was sent.
 *
 * <p>Every participant is a node of the FedStream SDK; the tutorial's logic ({@link #client} and
 * {@link #server}) sees only the tutorial's {@code send} and {@code receive} ({@link Node}).
 */
public final class MessagingFederation {

  /** The server's node id. */
  public static final String SERVER = "server";

  /** The group every client joins; the server waits for all of them before the first round. */
  public static final String CLIENTS = "clients";

  private static final String ROUND = "round";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private final String bootstrapServers;
  private final String registryUrl;
  private final String namespace;
  private final int clients;
  private final int rounds;
  private final Duration receiveTimeout;
  private final PrintWriter out;

  private MessagingFederation(Builder b) {
    this.bootstrapServers = b.bootstrapServers;
    this.registryUrl = b.registryUrl;
    this.namespace = b.namespace;
    this.clients = b.clients;
    this.rounds = b.rounds;
    this.receiveTimeout = b.receiveTimeout;
    this.out = b.out;
  }

  /** Starts building a federation; defaults: 3 clients, 3 rounds, 30 s to wait for each message. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What a run did.
   *
   * @param namespace the namespace it ran in
   * @param topic the mailbox topic it used
   * @param messages how many messages the nodes sent
   * @param receivedByNode how many messages each node received
   * @param took how long the run took, topic creation included
   */
  public record Report(String namespace, String topic, int messages, Map<String, Integer> receivedByNode, Duration took) {
  }

  /** What a node of the federation can do: the tutorial's {@code send} and {@code receive}. */
  interface Node {
    /** This node's id. */
    String id();

    /** Sends a body under a header (tag) to a node. */
    void send(String header, Map<String, String> body, String to, int round);

    /** The next message for this node, waiting at most the federation's receive timeout. */
    Message receive();
  }

  /**
   * Runs the federation to the end: every client does its rounds and the server answers each.
   * Each participant is its own FedStream {@link io.fedstream.node.Node} (its own producer and
   * consumer), as separate processes of a real federation would be.
   *
   * @return what happened
   * @throws FedStreamException {@code TIMEOUT} if a node waits too long for a message,
   *     {@code UNAVAILABLE} if Kafka or the registry cannot be used
   */
  public Report run() {
    List<String> clientIds = new ArrayList<>();
    for (int i = 1; i <= clients; i++) {
      clientIds.add("client-" + i);
    }
    Map<String, Integer> received = new ConcurrentHashMap<>();
    AtomicInteger sent = new AtomicInteger();
    long t0 = System.nanoTime();
    NodeConfig base = NodeConfig.builder()
        .bootstrapServers(bootstrapServers)
        .registryUrl(registryUrl)
        .namespace(namespace)
        .nodeId(SERVER)
        .build();
    Map<String, io.fedstream.node.Node> sdkNodes = new java.util.LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
    try {
      sdkNodes.put(SERVER, io.fedstream.node.Node.create(base));
      for (String id : clientIds) {
        sdkNodes.put(id, io.fedstream.node.Node.create(base.toBuilder().nodeId(id).groups(CLIENTS).build()));
      }
      // Every node is up (its mailbox assigned, its heartbeat out) before anyone sends.
      for (io.fedstream.node.Node n : sdkNodes.values()) {
        n.start().block(receiveTimeout);
      }
      sdkNodes.get(SERVER).awaitMembers(CLIENTS, clients, receiveTimeout).block();
      List<Future<?>> nodes = new ArrayList<>();
      nodes.add(pool.submit(() -> server(node(sdkNodes.get(SERVER), received, sent), clients * rounds)));
      for (String id : clientIds) {
        nodes.add(pool.submit(() -> client(node(sdkNodes.get(id), received, sent), rounds)));
      }
      for (Future<?> f : nodes) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FedStreamException("CANCELLED", "the demo was interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new FedStreamException("HANDLER", "a node failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
      sdkNodes.values().forEach(io.fedstream.node.Node::close);
    }
    return new Report(namespace, Topics.mailbox(namespace), sent.get(), Map.copyOf(received),
        Duration.ofNanos(System.nanoTime() - t0));
  }

  /** The tutorial's client: send to the server, wait for the reply, print it; once per round. */
  static void client(Node self, int rounds) {
    for (int round = 1; round <= rounds; round++) {
      self.send("exchange", Map.of("msg", "Hello from " + self.id()), SERVER, round);
      self.receive();
    }
  }

  /** The tutorial's server: wait for a message, print it, reply to its sender; {@code expected} times. */
  static void server(Node self, int expected) {
    for (int i = 0; i < expected; i++) {
      Message m = self.receive();
      self.send("exchange", Map.of("msg", "Hello from server"), m.senderId(), m.round());
    }
  }

  private Node node(io.fedstream.node.Node sdk, Map<String, Integer> received, AtomicInteger sent) {
    return new Node() {
      @Override
      public String id() {
        return sdk.id();
      }

      @Override
      public void send(String header, Map<String, String> body, String to, int round) {
        sdk.send(io.fedstream.node.Message.builder().tag(header).to(to).args(body).arg(ROUND, round).build())
            .block(receiveTimeout);
        sent.incrementAndGet();
      }

      @Override
      public Message receive() {
        io.fedstream.node.Message in = sdk.receive().next().block(receiveTimeout);
        if (in == null) {
          throw new FedStreamException("TIMEOUT", sdk.id() + " received nothing within " + receiveTimeout.toSeconds() + " s");
        }
        Map<String, String> body = new java.util.TreeMap<>();
        in.args().forEach((k, v) -> {
          if (!k.equals(ROUND)) {
            body.put(k, String.valueOf(v));
          }
        });
        Object round = in.arg(ROUND);
        Message m = new Message(in.source(), body, in.createdAt(), round instanceof Number n ? n.intValue() : 0);
        received.merge(sdk.id(), 1, Integer::sum);
        print(sdk.id(), m);
        return m;
      }
    };
  }

  private void print(String node, Message m) {
    synchronized (out) {
      out.printf("%s  round %d  %-9s received \"%s\" from %-9s (sent %s)%n", TIME.format(Instant.now()), m.round(), node,
          m.body().get("msg"), m.senderId(), TIME.format(m.timestamp()));
      out.flush();
    }
  }

  /** Builds a {@link MessagingFederation}; {@link #build()} says what is missing or wrong. */
  public static final class Builder {
    private String bootstrapServers;
    private String registryUrl;
    private String namespace;
    private int clients = 3;
    private int rounds = 3;
    private Duration receiveTimeout = Duration.ofSeconds(30);
    private PrintWriter out = new PrintWriter(System.out, true);

    private Builder() {
    }

    /** Kafka's bootstrap servers; required. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    /** The schema registry's Confluent-compatible URL; required. */
    public Builder registryUrl(String registryUrl) {
      this.registryUrl = registryUrl;
      return this;
    }

    /** The namespace (federation) whose mailbox topic the nodes use; required, use a new one per run. */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** How many clients; default 3. */
    public Builder clients(int clients) {
      this.clients = clients;
      return this;
    }

    /** How many rounds each client sends; default 3. */
    public Builder rounds(int rounds) {
      this.rounds = rounds;
      return this;
    }

    /** How long a node waits for each message; default 30 s. */
    public Builder receiveTimeout(Duration receiveTimeout) {
      this.receiveTimeout = receiveTimeout;
      return this;
    }

    /** Where nodes print what they receive; default standard output. */
    public Builder out(PrintWriter out) {
      this.out = Objects.requireNonNull(out, "out");
      return this;
    }

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException saying which setting to fix
     */
    public MessagingFederation build() {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException("bootstrap servers required.");
      }
      if (registryUrl == null || registryUrl.isBlank()) {
        throw new IllegalArgumentException("registry URL required.");
      }
      Topics.requireName("namespace", namespace);
      if (clients < 1 || clients > 100) {
        throw new IllegalArgumentException("clients must be between 1 and 100, was " + clients + ".");
      }
      if (rounds < 1 || rounds > 1000) {
        throw new IllegalArgumentException("rounds must be between 1 and 1000, was " + rounds + ".");
      }
      if (receiveTimeout == null || receiveTimeout.isNegative() || receiveTimeout.isZero()) {
        throw new IllegalArgumentException("receive timeout must be positive.");
      }
      return new MessagingFederation(this);
    }
  }
}
