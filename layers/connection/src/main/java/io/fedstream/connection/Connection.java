package io.fedstream.connection;

import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;

/**
 * The client side of XAIN's network module: {@code with client.connection() as c: consume,
 * dispatch = c}. Open it with try-with-resources; the client speaks first, with an empty message:
 *
 * <pre>{@code
 * try (Connection c = Connection.open(config, "coordinator")) {
 *   c.dispatch(Connection.empty());               // pass the initiative to the server
 *   while (true) {
 *     Message instruction = c.consume();          // the next instruction
 *     Message results = doSomething(instruction);
 *     c.dispatch(results);                        // the response
 *   }
 * }
 * }</pre>
 *
 * <p>Each connection has a fresh connection id: a client that opens a new connection under the
 * same node id (a restarted process) is a reconnect, and the server serves it again; instructions
 * meant for an earlier connection are dropped. {@link #consume()} fails with {@code CLOSED} when
 * the server closes. {@link #close()} tells the server, and closes the node if the connection
 * created it.
 */
public final class Connection implements AutoCloseable {

  /** Content type of a protobuf message carried as a payload (XAIN's {@code stream_pb2} messages). */
  public static final String PROTOBUF = "application/x-protobuf";

  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  private static final Object CLOSED_MARK = new Object();

  private final Node node;
  private final boolean ownsNode;
  private final String serverId;
  private final String connectionId = UUID.randomUUID().toString();
  private final LinkedBlockingQueue<Object> instructions = new LinkedBlockingQueue<>();
  private final Inbox inbox = new Inbox();
  private String answering;
  private volatile boolean closed;

  private Connection(Node node, boolean ownsNode, String serverId) {
    this.node = node;
    this.ownsNode = ownsNode;
    this.serverId = serverId;
  }

  /**
   * Opens a connection from a new node (id from {@code config}) to the server; the node is closed
   * with the connection.
   *
   * @param config the client node's config, with its node id
   * @param serverId the server's node id
   * @return the connection, its node started
   */
  public static Connection open(NodeConfig config, String serverId) {
    Node n = Node.create(config);
    try {
      n.start().block();
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
    return open(n, serverId, true);
  }

  /**
   * Opens a connection from a node of yours (started; it stays open after the connection
   * closes). The connection takes the node's {@code receive()}.
   */
  public static Connection open(Node node, String serverId) {
    node.start().block();
    return open(node, serverId, false);
  }

  private static Connection open(Node node, String serverId, boolean owns) {
    Objects.requireNonNull(serverId, "serverId");
    Connection c = new Connection(node, owns, serverId);
    node.receive().subscribe(c.inbox);
    return c;
  }

  /** XAIN's empty init message, with which the client speaks first. */
  public static Message empty() {
    return Message.builder().tag("empty").build();
  }

  /** This client's node id. */
  public String id() {
    return node.id();
  }

  /** The node underneath. */
  public Node node() {
    return node;
  }

  /**
   * Sends a message to the server: the first one (usually {@link #empty()}) connects, each later
   * one is the response to the instruction last consumed. Blocks until the broker has it.
   *
   * @throws ConnectionException {@code CLOSED} after {@link #close()}
   */
  public void dispatch(Message message) {
    Objects.requireNonNull(message, "message");
    if (closed) {
      throw new ConnectionException(ConnectionException.CLOSED, "the connection is closed");
    }
    Message.Builder b = message.toBuilder().id(null).to(serverId).attribute(Wire.CONNECTION, connectionId);
    String answers;
    synchronized (this) {
      answers = answering;
      answering = null;
    }
    if (answers != null) {
      b.attribute(Wire.ANSWERS, answers);
    }
    node.send(b.build()).block();
  }

  /**
   * Waits for the server's next instruction, as long as it takes.
   *
   * @throws ConnectionException {@code CLOSED} when the server or this connection closes
   */
  public Message consume() {
    return consume(null);
  }

  /**
   * Waits at most {@code timeout} for the server's next instruction.
   *
   * @throws ConnectionException {@code TIMEOUT} if none came in time; {@code CLOSED} when the
   *     server or this connection closes
   */
  public Message consume(Duration timeout) {
    while (true) {
      Object o;
      try {
        o = timeout == null ? instructions.take() : instructions.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectionException(ConnectionException.CLOSED, "interrupted while waiting for an instruction", e);
      }
      if (o == null) {
        throw new ConnectionException(ConnectionException.TIMEOUT, "no instruction from " + serverId + " within "
            + timeout.toMillis() + " ms");
      }
      if (o == CLOSED_MARK) {
        instructions.add(CLOSED_MARK);
        throw new ConnectionException(ConnectionException.CLOSED, closed ? "the connection is closed"
            : "the server " + serverId + " closed");
      }
      Message m = (Message) o;
      synchronized (this) {
        answering = m.attributes().get(Wire.INSTRUCTION);
      }
      return m;
    }
  }

  /** Tells the server this connection ends, and closes the node if the connection created it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      node.send(Message.builder().tag(Wire.BYE).to(serverId).attribute(Wire.CONNECTION, connectionId).build())
          .block(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.debug("could not say goodbye to {}: {}", serverId, e.toString());
    }
    inbox.dispose();
    instructions.add(CLOSED_MARK);
    if (ownsNode) {
      node.close();
    }
  }

  /** Takes the node's messages: instructions of this connection, or the server's close. */
  private final class Inbox extends BaseSubscriber<Message> {
    @Override
    protected void hookOnSubscribe(Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    protected void hookOnNext(Message m) {
      if (!connectionId.equals(m.attributes().get(Wire.CONNECTION))) {
        LOG.info("{} dropped '{}' from {}: it was meant for an earlier connection", node.id(), m.tag(), m.source());
      } else if (m.tag().equals(Wire.CLOSE)) {
        instructions.add(CLOSED_MARK);
      } else {
        instructions.add(m);
      }
    }
  }
}
