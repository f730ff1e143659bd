package io.fedstream.examples.fedavg;

import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.Payload;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;

/**
 * An {@link Endpoint} over a FedStream {@link Node}: {@code send} is a message to the destination's
 * mailbox with the weights as a payload named {@value #PAYLOAD} ({@link Weights#CONTENT_TYPE}),
 * {@code receive} takes the next message of the node's {@link Node#receive()} stream, which this
 * endpoint subscribes to once.
 */
public final class NodeEndpoint implements Endpoint, AutoCloseable {

  /** The name of the weights payload. */
  public static final String PAYLOAD = "weights";

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final Node node;
  private final LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
  private final Disposable subscription;
  private volatile Throwable failure;
  private volatile boolean closed;

  /**
   * An endpoint for a started node.
   *
   * @param node the node; its {@code receive()} must have no other subscriber
   */
  public NodeEndpoint(Node node) {
    this.node = node;
    this.subscription = node.receive().subscribe(inbox::add, e -> failure = e);
  }

  @Override
  public String id() {
    return node.id();
  }

  @Override
  public void send(String to, String header, Map<String, Object> args, float[] weights) {
    Message.Builder m = Message.builder().tag(header).to(to).args(args);
    if (weights != null) {
      m.payload(Payload.ofBytes(PAYLOAD, Weights.CONTENT_TYPE, Weights.encode(weights)));
    }
    node.send(m.build()).block(SEND_TIMEOUT);
  }

  @Override
  public Received receive(Duration timeout) {
    if (closed) {
      throw new IllegalStateException(node.id() + " is stopped");
    }
    if (failure != null) {
      throw new IllegalStateException(node.id() + " can no longer receive: " + failure, failure);
    }
    Message m;
    try {
      m = timeout.isZero() || timeout.isNegative() ? inbox.poll() : inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(node.id() + " was interrupted", e);
    }
    if (m == null) {
      return null;
    }
    float[] weights = null;
    if (m.payload(PAYLOAD).isPresent()) {
      Payload p = m.payload(PAYLOAD).get();
      try {
        weights = Weights.decode(p.bytes(), (int) (p.size() / Float.BYTES));
      } catch (IllegalArgumentException e) {
        weights = new float[0]; // not whole float32 values: the receiver drops the message with a note
      }
    }
    return new Received(m.source(), m.tag(), m.args(), weights, m.createdAt());
  }

  /** Stops receiving; a blocked or later {@link #receive} fails. Does not close the node. */
  @Override
  public void close() {
    closed = true;
    subscription.dispose();
  }
}
