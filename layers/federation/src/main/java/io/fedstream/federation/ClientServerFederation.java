package io.fedstream.federation;

import io.fedstream.node.NodeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * FedRay's {@code ClientServerFederation}: one server and N clients, each a {@link FederatedNode},
 * run with {@link #train(Map, Map)}.
 *
 * <pre>{@code
 * ClientServerFederation federation = ClientServerFederation.builder()
 *     .config(nodeConfig)                       // bootstrap servers, registry, namespace
 *     .server(MessagingServer.class)
 *     .client(MessagingClient.class)
 *     .clients(3)                               // or .clientIds("alice", "bob")
 *     .roles(List.of("train", "train", "train"))
 *     .build();
 * federation.train(Map.of("outMsg", (Supplier<String>) () -> "Hello from server"),
 *                  Map.of("outMsg", (Supplier<String>) () -> "Hello from client"));
 * }</pre>
 *
 * <p><b>What train does.</b> Checks the argument keys against each class's {@code train}
 * parameter names (every unknown and missing key named, before any node starts); creates the
 * nodes; waits until every node is present (the nodes of this JVM are once their host has started;
 * those of other processes are waited for, up to the start timeout); calls each {@code train} on
 * its own thread; and
 * stops when the server's {@code train} returns ({@link TrainResult.Outcome#COMPLETED}), when
 * {@link #stop()} is called ({@code STOPPED}), when the deadline passes ({@code DEADLINE}), or
 * when a node fails (thrown as {@link FederationException} {@code NODE_FAILED} naming the node).
 * On every stop, nodes blocked in {@code receive} are released with {@code STOPPED}, their threads
 * interrupted and joined, and the host closed: no thread, consumer or subscription is left.
 *
 * <p><b>Where the nodes run.</b> By default all in this JVM, on one {@link io.fedstream.node.NodeHost}
 * (a simulation; argument values may be any Java object, lambdas included). Ids passed to {@link
 * Builder#remote(String...)} run in other processes, started with {@code fedstream node --namespace
 * NS --class C --id ID --classpath JAR} (or {@link NodeProcess#run}); the federation waits for
 * them to be present and sends them their arguments, which must then be JSON-like values or
 * binary (byte[], float[], double[], Payload): anything else is refused at {@code train} time,
 * naming the key.
 *
 * <p>Ids: the server is {@code server} and the clients {@code client-1} ... {@code client-N}
 * unless given. Clients also join the group {@value Control#CLIENT_GROUP}, so that the server can
 * broadcast one record to all of them ({@code node().broadcast("clients", message)}).
 */
public final class ClientServerFederation {

  /** The server's role. */
  public static final String SERVER_ROLE = "server";
  /** A client's role when none is given. */
  public static final String CLIENT_ROLE = "client";

  final NodeConfig config;
  final TrainMethod server;
  final TrainMethod client;
  final String serverId;
  final List<String> clientIds;
  final List<String> roles;
  final Set<String> remote;
  final Duration deadline;
  final Duration startTimeout;
  final Duration stopTimeout;
  private final AtomicReference<FederationRun> running = new AtomicReference<>();

  private ClientServerFederation(Builder b, List<String> clientIds, List<String> roles) {
    this.config = b.config;
    this.server = TrainMethod.of(b.server);
    this.client = TrainMethod.of(b.client);
    this.serverId = b.serverId;
    this.clientIds = List.copyOf(clientIds);
    this.roles = List.copyOf(roles);
    this.remote = Set.copyOf(b.remote);
    this.deadline = b.deadline;
    this.startTimeout = b.startTimeout;
    this.stopTimeout = b.stopTimeout;
  }

  /** A new builder. Required: config, server, client, and clients as a count or as ids. */
  public static Builder builder() {
    return new Builder();
  }

  /** The server's id. */
  public String serverId() {
    return serverId;
  }

  /** The clients' ids, in order. */
  public List<String> clientIds() {
    return clientIds;
  }

  /**
   * Runs the federation to its end (see the class comment). Blocks the calling thread.
   *
   * @param serverArgs the server's {@code train} arguments by parameter name
   * @param clientArgs every client's {@code train} arguments by parameter name
   * @return how it ended
   * @throws FederationException {@code BAD_ARGUMENTS} (before any node starts) naming each
   *     unknown or missing key, or a value of the wrong type or (for other processes) one that
   *     cannot travel; {@code NODE_FAILED} naming the node whose {@code train} failed (its failure
   *     as the cause) or that left; {@code TIMEOUT} naming the nodes not present within the start
   *     timeout; {@code STOPPED} if this federation is already running
   */
  public TrainResult train(Map<String, ?> serverArgs, Map<String, ?> clientArgs) {
    Objects.requireNonNull(serverArgs, "serverArgs");
    Objects.requireNonNull(clientArgs, "clientArgs");
    FederationRun run = new FederationRun(this, serverArgs, clientArgs);
    if (!running.compareAndSet(null, run)) {
      throw new FederationException(FederationException.STOPPED, "this federation is already training");
    }
    try {
      return run.run();
    } finally {
      running.set(null);
    }
  }

  /**
   * Stops a running {@link #train}: nodes blocked in {@code receive} are released, threads
   * interrupted, and {@code train} returns {@link TrainResult.Outcome#STOPPED}. Does nothing when
   * the federation is not running. Returns at once; {@code train} returns when all is closed.
   */
  public void stop() {
    FederationRun r = running.get();
    if (r != null) {
      r.stop();
    }
  }

  /** Builds a {@link ClientServerFederation}; {@link #build()} says what is missing or wrong. */
  public static final class Builder {
    private NodeConfig config;
    private Class<? extends FederatedNode> server;
    private Class<? extends FederatedNode> client;
    private Integer clientCount;
    private List<String> ids;
    private List<String> roles;
    private String serverId = "server";
    private final Set<String> remote = new LinkedHashSet<>();
    private Duration deadline;
    private Duration startTimeout = Duration.ofSeconds(60);
    private Duration stopTimeout = Duration.ofSeconds(10);

    private Builder() {
    }

    /** Where the nodes connect: bootstrap servers, registry and namespace are required; the rest is passed on. */
    public Builder config(NodeConfig config) {
      this.config = config;
      return this;
    }

    /** The server template (FedRay's {@code server_template}). */
    public Builder server(Class<? extends FederatedNode> server) {
      this.server = server;
      return this;
    }

    /** The client template. */
    public Builder client(Class<? extends FederatedNode> client) {
      this.client = client;
      return this;
    }

    /** The clients as a count: ids {@code client-1} ... {@code client-n} (FedRay's {@code n_clients_or_ids}). */
    public Builder clients(int n) {
      this.clientCount = n;
      this.ids = null;
      return this;
    }

    /** The clients as explicit ids. */
    public Builder clientIds(String... ids) {
      return clientIds(List.of(ids));
    }

    /** The clients as explicit ids. */
    public Builder clientIds(Collection<String> ids) {
      this.ids = new ArrayList<>(ids);
      this.clientCount = null;
      return this;
    }

    /** One role per client, in the clients' order; default {@value ClientServerFederation#CLIENT_ROLE} for all. */
    public Builder roles(List<String> roles) {
      this.roles = new ArrayList<>(roles);
      return this;
    }

    /** The server's id; default {@code server}. */
    public Builder serverId(String id) {
      this.serverId = id;
      return this;
    }

    /** Nodes (server or client ids) that run in other processes; default none (all in this JVM). */
    public Builder remote(String... ids) {
      return remote(List.of(ids));
    }

    /** Nodes that run in other processes. */
    public Builder remote(Collection<String> ids) {
      remote.addAll(ids);
      return this;
    }

    /** Stops the federation after this long ({@link TrainResult.Outcome#DEADLINE}); default none. */
    public Builder deadline(Duration deadline) {
      this.deadline = deadline;
      return this;
    }

    /** How long to wait for every node to be present; default 60 s. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** How long a stop waits for each node's thread to end; default 10 s. */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = timeout;
      return this;
    }

    /**
     * Checks everything that can be checked without the argument maps.
     *
     * @throws FederationException {@code BAD_FEDERATION} (no config, no templates, a client count
     *     below 1, duplicate or invalid ids, roles whose count differs from the clients', unknown
     *     remote ids) or {@code BAD_NODE_CLASS} (no public no-argument constructor, not exactly one
     *     public {@code train}, parameter names missing: compile with -parameters or use {@link Arg})
     */
    public ClientServerFederation build() {
      if (config == null) {
        throw bad("config(NodeConfig) is required: bootstrap servers, registry URL and namespace");
      }
      if (server == null || client == null) {
        throw bad("both templates are required: server(Class) and client(Class)");
      }
      List<String> clientIds;
      if (ids != null) {
        clientIds = List.copyOf(ids);
        if (clientIds.isEmpty()) {
          throw bad("clientIds is empty; a federation needs at least one client");
        }
      } else if (clientCount != null) {
        if (clientCount < 1) {
          throw bad("the client count must be at least 1, was " + clientCount);
        }
        clientIds = new ArrayList<>();
        for (int i = 1; i <= clientCount; i++) {
          clientIds.add("client-" + i);
        }
      } else {
        throw bad("the clients are required: clients(n) or clientIds(...)");
      }
      Set<String> seen = new TreeSet<>();
      Set<String> dup = new TreeSet<>();
      for (String id : clientIds) {
        checkId(id);
        if (!seen.add(id)) {
          dup.add(id);
        }
      }
      checkId(serverId);
      if (seen.contains(serverId)) {
        dup.add(serverId);
      }
      if (!dup.isEmpty()) {
        throw bad("duplicate node ids: " + dup + " (the server's and every client's id must be unique)");
      }
      List<String> r = roles;
      if (r == null) {
        r = new ArrayList<>();
        for (int i = 0; i < clientIds.size(); i++) {
          r.add(CLIENT_ROLE);
        }
      } else if (r.size() != clientIds.size()) {
        throw bad("roles has " + r.size() + " entries for " + clientIds.size() + " clients; give one role per client");
      } else if (r.stream().anyMatch(x -> x == null || x.isBlank())) {
        throw bad("a role is null or blank: " + r);
      }
      for (String id : remote) {
        if (!id.equals(serverId) && !seen.contains(id)) {
          throw bad("remote id " + id + " is neither the server nor a client");
        }
      }
      for (Duration d : new Duration[] {startTimeout, stopTimeout}) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw bad("start and stop timeouts must be positive");
        }
      }
      if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
        throw bad("the deadline must be positive, was " + deadline);
      }
      return new ClientServerFederation(this, clientIds, r);
    }

    private static void checkId(String id) {
      if (id == null || !id.matches("[A-Za-z0-9._:-]+") || id.endsWith(".federation")) {
        throw bad("invalid node id '" + id + "': use letters, digits, '.', '_', ':', '-' (not ending in .federation)");
      }
    }

    private static FederationException bad(String message) {
      return new FederationException(FederationException.BAD_FEDERATION, message);
    }
  }
}
