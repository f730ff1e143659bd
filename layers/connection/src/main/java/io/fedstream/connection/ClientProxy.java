package io.fedstream.connection;

import io.fedstream.node.Message;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * XAIN's {@code ClientProxy}: the server's handle on one connected client. Extend it with the
 * steps of your protocol, each built on {@link #run(Message)}:
 *
 * <pre>{@code
 * class Participant extends ClientProxy {
 *   Message train(Message theta) {
 *     return run(theta);          // sends the instruction, returns the client's response
 *   }
 * }
 * }</pre>
 *
 * <p>The proxy holds its client's pending request (the client's last {@code dispatch}) until the
 * server has an instruction: {@code run} answers that request with the instruction and waits for
 * the client's next dispatch, which is both the response and the next pending request. One
 * instruction at a time per client.
 *
 * <p>Failures, all as {@link ConnectionException}: {@code TIMEOUT} when no response comes before
 * the deadline (a response that comes later is dropped and logged); {@code DISCONNECTED} when the
 * client closes, dies (no heartbeat within the node's liveness timeout) or reconnects meanwhile,
 * or is not connected when {@code run} is called; {@code BUSY} when another {@code run} for the
 * same client is in flight; {@code CLOSED} when the server closes. A client that reconnects under
 * the same id is served again by the same proxy.
 */
public abstract class ClientProxy {

  private static final Logger LOG = LoggerFactory.getLogger(ClientProxy.class);

  /** An instruction on its way: queued until the client is ready, then sent. */
  private static final class Pending {
    final String id = UUID.randomUUID().toString();
    final Message instruction;
    final CompletableFuture<Message> result = new CompletableFuture<>();
    boolean sent;

    Pending(Message instruction) {
      this.instruction = instruction;
    }
  }

  private ConnectionServer server;
  private String clientId;
  private String connectionId;
  private boolean connected;
  private boolean ready;
  private Pending waiting;

  /** For subclasses; the client manager creates proxies with its factory. */
  protected ClientProxy() {
  }

  final void attach(ConnectionServer s, String id) {
    this.server = s;
    this.clientId = id;
  }

  /** The client's node id. */
  public final String clientId() {
    return clientId;
  }

  /** Whether the client is connected now. */
  public final synchronized boolean isConnected() {
    return connected;
  }

  /**
   * Sends one instruction to the client and returns its response, waiting at most the server's
   * default deadline ({@link ConnectionServer.Builder#runTimeout}, 60 s unless set).
   *
   * @throws ConnectionException see the class comment
   */
  public final Message run(Message instruction) {
    return run(instruction, server.runTimeout());
  }

  /**
   * Sends one instruction to the client and returns its response.
   *
   * @param instruction any message: tag, JSON-like args, payloads (a protobuf message as a payload
   *     with content type {@link Connection#PROTOBUF})
   * @param deadline how long to wait for the response (and for the client to be ready)
   * @return the client's response
   * @throws ConnectionException see the class comment
   */
  public final Message run(Message instruction, Duration deadline) {
    Pending p = submit(instruction);
    try {
      return p.result.get(Math.max(1, deadline.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      giveUp(p);
      throw new ConnectionException(ConnectionException.TIMEOUT, clientId + " gave no response to '" + instruction.tag()
          + "' within " + deadline.toMillis() + " ms; a later one will be dropped");
    } catch (InterruptedException e) {
      giveUp(p);
      Thread.currentThread().interrupt();
      throw new ConnectionException(ConnectionException.CLOSED, "interrupted while waiting for " + clientId, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConnectionException ce) {
        throw new ConnectionException(ce.code(), ce.getMessage().substring(ce.code().length() + 2), ce);
      }
      throw new ConnectionException(ConnectionException.DISCONNECTED, "sending to " + clientId + " failed: "
          + e.getCause(), e.getCause());
    }
  }

  /**
   * {@link #run(Message, Duration)} as a Mono: sends on subscription, emits the response on the
   * server node's delivery thread, fails with the same {@link ConnectionException}s. Cancelling
   * gives up the wait (a later response is dropped and logged).
   */
  public final Mono<Message> runAsync(Message instruction, Duration deadline) {
    return Mono.defer(() -> {
      Pending p = submit(instruction);
      return Mono.fromFuture(p.result, true)
          .timeout(deadline, Mono.error(() -> new ConnectionException(ConnectionException.TIMEOUT, clientId
              + " gave no response to '" + instruction.tag() + "' within " + deadline.toMillis() + " ms")))
          .doOnError(e -> giveUp(p))
          .doOnCancel(() -> giveUp(p));
    });
  }

  private Pending submit(Message instruction) {
    Objects.requireNonNull(instruction, "instruction");
    Pending p = new Pending(instruction);
    boolean sendNow;
    synchronized (this) {
      if (server.isClosed()) {
        throw new ConnectionException(ConnectionException.CLOSED, "the server is closed");
      }
      if (!connected) {
        throw new ConnectionException(ConnectionException.DISCONNECTED, clientId
            + " is not connected; it may reconnect under the same id");
      }
      if (waiting != null) {
        throw new ConnectionException(ConnectionException.BUSY, clientId + " is still running '"
            + waiting.instruction.tag() + "'; one instruction at a time per client");
      }
      waiting = p;
      sendNow = ready;
      if (sendNow) {
        ready = false;
        p.sent = true;
      }
    }
    if (sendNow) {
      send(p, connectionIdNow());
    }
    return p;
  }

  private synchronized String connectionIdNow() {
    return connectionId;
  }

  private synchronized void giveUp(Pending p) {
    if (waiting == p) {
      waiting = null;
    }
  }

  private void send(Pending p, String cid) {
    server.sendInstruction(clientId, cid, p.id, p.instruction, p.result);
  }

  /** A message from the client (the server's delivery thread). */
  final void onDispatch(Message m) {
    String cid = m.attributes().get(Wire.CONNECTION);
    String answers = m.attributes().get(Wire.ANSWERS);
    Pending complete = null;
    Pending failed = null;
    Pending toSend = null;
    String sendCid;
    synchronized (this) {
      if (m.tag().equals(Wire.BYE)) {
        if (cid != null && cid.equals(connectionId)) {
          failed = disconnect();
        }
      } else if (cid != null && !cid.equals(connectionId)) {
        if (connectionId != null) {
          LOG.info("{} reconnected (connection {})", clientId, cid);
        }
        if (waiting != null && waiting.sent) {
          failed = waiting;
          waiting = null;
        }
        connectionId = cid;
        connected = true;
        ready = true;
      } else {
        connected = true;
        if (answers != null && waiting != null && waiting.sent && waiting.id.equals(answers)) {
          complete = waiting;
          waiting = null;
        } else if (answers != null) {
          LOG.warn("dropped a late response of {} ('{}'): its run had given up", clientId, m.tag());
        }
        ready = true;
      }
      if (ready && waiting != null && !waiting.sent) {
        toSend = waiting;
        toSend.sent = true;
        ready = false;
      }
      sendCid = connectionId;
    }
    if (failed != null) {
      failed.result.completeExceptionally(new ConnectionException(ConnectionException.DISCONNECTED, clientId
          + " disconnected before it answered '" + failed.instruction.tag() + "'"));
    }
    if (complete != null) {
      complete.result.complete(m);
    }
    if (toSend != null) {
      send(toSend, sendCid);
    }
  }

  /** The client's node left (no heartbeat within the liveness timeout, or it closed). */
  final void onLeft() {
    Pending failed;
    synchronized (this) {
      failed = disconnect();
    }
    if (failed != null) {
      failed.result.completeExceptionally(new ConnectionException(ConnectionException.DISCONNECTED, clientId
          + " left (no heartbeat within the liveness timeout) before it answered '" + failed.instruction.tag() + "'"));
    }
  }

  /** The server closed. */
  final void onClose() {
    Pending failed;
    synchronized (this) {
      failed = waiting;
      waiting = null;
      connected = false;
    }
    if (failed != null) {
      failed.result.completeExceptionally(new ConnectionException(ConnectionException.CLOSED, "the server closed"));
    }
  }

  private Pending disconnect() {
    Pending failed = waiting;
    waiting = null;
    connected = false;
    ready = false;
    return failed;
  }

  synchronized String connectionId() {
    return connected ? connectionId : null;
  }
}
