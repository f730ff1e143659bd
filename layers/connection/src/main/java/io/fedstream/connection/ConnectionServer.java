package io.fedstream.connection;

import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.PresenceEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * The server side of XAIN's network module (its gRPC server): one node that clients {@link
 * Connection#open connect} to, and the {@link ClientManager} made by {@link
 * #createClientManager(Supplier)}.
 *
 * <pre>{@code
 * try (ConnectionServer server = ConnectionServer.builder().config(config.toBuilder().nodeId("coordinator").build()).build()) {
 *   ClientManager<Participant> manager = server.createClientManager(Participant::new);
 *   for (Participant p : manager.getClients(3)) {
 *     Message response = p.train(theta);
 *   }
 * }
 * }</pre>
 *
 * <p>The server reads its node's {@code receive()}: every message a client dispatches goes to that
 * client's proxy. It watches presence: a client whose node leaves fails its proxy's pending {@code
 * run} with {@code DISCONNECTED}. {@link #close()} fails pending runs with {@code CLOSED}, tells
 * connected clients (their {@code consume} fails with {@code CLOSED}) and closes the node if the
 * server created it.
 */
public final class ConnectionServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionServer.class);

  private final Node node;
  private final boolean ownsNode;
  private final Duration runTimeout;
  private final Duration clientsTimeout;
  private final Map<String, ClientProxy> proxies = new ConcurrentHashMap<>();
  private final Disposable.Composite subscriptions = Disposables.composite();
  private volatile ClientManager<?> manager;
  private volatile boolean closed;

  private ConnectionServer(Node node, boolean ownsNode, Builder b) {
    this.node = node;
    this.ownsNode = ownsNode;
    this.runTimeout = b.runTimeout;
    this.clientsTimeout = b.clientsTimeout;
  }

  /** A new builder: a config (the server creates its node) or a node (yours, started) is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The server's node; clients connect to its id. */
  public Node node() {
    return node;
  }

  /** The server's id, which clients pass to {@link Connection#open}. */
  public String id() {
    return node.id();
  }

  Duration runTimeout() {
    return runTimeout;
  }

  Duration clientsTimeout() {
    return clientsTimeout;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * XAIN's {@code create_client_manager(client_proxy_factory)}: a client manager that makes one
   * proxy per connecting client with {@code factory}. The server starts serving clients here;
   * what they dispatched before waits in the node's receive buffer.
   *
   * @throws IllegalStateException if a client manager exists already or the server is closed
   */
  public synchronized <P extends ClientProxy> ClientManager<P> createClientManager(Supplier<P> factory) {
    if (closed) {
      throw new IllegalStateException("the server is closed");
    }
    if (manager != null) {
      throw new IllegalStateException("this server has a client manager already");
    }
    ClientManager<P> m = new ClientManager<>(this, factory);
    manager = m;
    subscriptions.add(node.presence()
        .filter(e -> e.type() == PresenceEvent.Type.LEFT)
        .subscribe(e -> {
          ClientProxy p = proxies.get(e.nodeId());
          if (p != null) {
            p.onLeft();
            m.changed();
          }
        }));
    subscriptions.add(node.receive().subscribe(this::onMessage,
        e -> LOG.error("server {} stopped receiving: {}", node.id(), e.toString())));
    return m;
  }

  private void onMessage(Message m) {
    String from = m.source();
    if (from == null || m.attributes().get(Wire.CONNECTION) == null) {
      LOG.warn("server {} dropped '{}' from {}: not a connection message", node.id(), m.tag(), from);
      return;
    }
    ClientManager<?> mgr = manager;
    ClientProxy p = proxies.computeIfAbsent(from, id -> mgr.newProxy(id));
    p.onDispatch(m);
    mgr.changed();
  }

  Map<String, ClientProxy> proxies() {
    return proxies;
  }

  void sendInstruction(String clientId, String cid, String instructionId, Message instruction,
      CompletableFuture<Message> result) {
    Message out = instruction.toBuilder().id(null).to(clientId).attribute(Wire.CONNECTION, cid)
        .attribute(Wire.INSTRUCTION, instructionId).build();
    node.send(out).subscribe(null, e -> result.completeExceptionally(new ConnectionException(
        ConnectionException.DISCONNECTED, "the instruction to " + clientId + " could not be sent: " + e, e)));
  }

  /** Fails pending runs with {@code CLOSED}, tells connected clients, stops serving; closes the node if the server made it. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (ClientProxy p : proxies.values()) {
      String cid = p.connectionId();
      p.onClose();
      if (cid != null) {
        try {
          node.send(Message.builder().tag(Wire.CLOSE).to(p.clientId()).attribute(Wire.CONNECTION, cid).build())
              .block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
          LOG.warn("could not tell {} that the server closes: {}", p.clientId(), e.toString());
        }
      }
    }
    ClientManager<?> m = manager;
    if (m != null) {
      m.changed();
    }
    subscriptions.dispose();
    if (ownsNode) {
      node.close();
    }
  }

  /** Builds a {@link ConnectionServer}. */
  public static final class Builder {
    private NodeConfig config;
    private Node node;
    private Duration runTimeout = Duration.ofSeconds(60);
    private Duration clientsTimeout = Duration.ofSeconds(60);

    private Builder() {
    }

    /** The server's node config (its node id is the server's id); the server creates, starts and closes the node. */
    public Builder config(NodeConfig config) {
      this.config = config;
      return this;
    }

    /** A node of yours, to serve on instead (the server starts it if needed and never closes it). */
    public Builder node(Node node) {
      this.node = node;
      return this;
    }

    /** The deadline of {@link ClientProxy#run(Message)}; default 60 s. */
    public Builder runTimeout(Duration timeout) {
      this.runTimeout = timeout;
      return this;
    }

    /** How long {@link ClientManager#getClients(int)} waits; default 60 s. */
    public Builder clientsTimeout(Duration timeout) {
      this.clientsTimeout = timeout;
      return this;
    }

    /**
     * Creates (and starts) the server's node.
     *
     * @throws ConnectionException {@code BAD_ARGUMENTS} without a config or node, or with both, or
     *     with a timeout that is not positive
     */
    public ConnectionServer build() {
      if ((config == null) == (node == null)) {
        throw new ConnectionException(ConnectionException.BAD_ARGUMENTS, "give the server a config or a node (one of them)");
      }
      for (Duration d : new Duration[] {runTimeout, clientsTimeout}) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new ConnectionException(ConnectionException.BAD_ARGUMENTS, "timeouts must be positive");
        }
      }
      Node n = node != null ? node : Node.create(config);
      try {
        n.start().block();
      } catch (RuntimeException e) {
        if (node == null) {
          n.close();
        }
        throw e;
      }
      return new ConnectionServer(n, node == null, this);
    }
  }
}
