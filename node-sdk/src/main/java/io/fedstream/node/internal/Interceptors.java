package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.spi.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The interceptor chain of one node: the trace context first, then the host's interceptors, then
 * the node's. Outbound in that order, inbound in reverse. Any failure becomes a {@link
 * NodeException} (its own code, or {@link ErrorCode#REJECTED}), so one bad message fails alone.
 */
final class Interceptors {

  /** The chain of a node without interceptors of its own or of its host: the trace context only. */
  static final Interceptors TRACE_ONLY = new Interceptors(List.of());

  private final Interceptor[] outbound;
  private final Interceptor[] inbound;

  private Interceptors(List<Interceptor> user) {
    List<Interceptor> out = new ArrayList<>();
    out.add(TraceInterceptor.INSTANCE);
    out.addAll(user);
    this.outbound = out.toArray(new Interceptor[0]);
    List<Interceptor> in = new ArrayList<>(user);
    java.util.Collections.reverse(in);
    this.inbound = in.toArray(new Interceptor[0]);
  }

  static Interceptors of(List<Interceptor> host, List<Interceptor> node) {
    if (host.isEmpty() && node.isEmpty()) {
      return TRACE_ONLY;
    }
    List<Interceptor> all = new ArrayList<>(host);
    all.addAll(node);
    return new Interceptors(all);
  }

  /** True when only the trace context runs (inbound then does nothing). */
  boolean inboundEmpty() {
    return inbound.length == 0;
  }

  /**
   * Runs the outbound chain.
   *
   * @throws NodeException if an interceptor fails or changes the message's identity
   */
  Message outbound(String nodeId, String topic, Message m) {
    return run(outbound, Interceptor.Direction.OUTBOUND, nodeId, topic, m);
  }

  /**
   * Runs the inbound chain.
   *
   * @throws NodeException if an interceptor fails or changes the message's identity
   */
  Message inbound(String nodeId, String topic, Message m) {
    if (inbound.length == 0) {
      return m;
    }
    return run(inbound, Interceptor.Direction.INBOUND, nodeId, topic, m);
  }

  private static Message run(Interceptor[] chain, Interceptor.Direction dir, String nodeId, String topic, Message m) {
    Message out;
    try {
      out = new Link(chain, 0, dir, nodeId, topic, m).run();
    } catch (NodeException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw new NodeException(ErrorCode.REJECTED, dir.name().toLowerCase(java.util.Locale.ROOT)
          + " interceptor failed on message " + m.id() + " '" + m.tag() + "': " + e, e);
    }
    if (out == null) {
      throw new NodeException(ErrorCode.REJECTED, "an " + dir.name().toLowerCase(java.util.Locale.ROOT)
          + " interceptor returned no message for " + m.id() + " '" + m.tag() + "'");
    }
    if (out != m && !sameIdentity(m, out)) {
      throw new NodeException(ErrorCode.REJECTED, "an " + dir.name().toLowerCase(java.util.Locale.ROOT)
          + " interceptor changed the identity (id, kind, source, destination or session) of message " + m.id());
    }
    return out;
  }

  private static boolean sameIdentity(Message a, Message b) {
    return a.id().equals(b.id()) && a.kind() == b.kind() && Objects.equals(a.source(), b.source())
        && a.destination().equals(b.destination()) && a.sessionId().equals(b.sessionId())
        && a.inReplyTo().equals(b.inReplyTo()) && Wire.isCall(a) == Wire.isCall(b);
  }

  /** One position in the chain. */
  private static final class Link implements Interceptor.Chain {
    private final Interceptor[] chain;
    private final int index;
    private final Interceptor.Direction direction;
    private final String nodeId;
    private final String topic;
    private final Message message;
    private boolean proceeded;

    Link(Interceptor[] chain, int index, Interceptor.Direction direction, String nodeId, String topic, Message message) {
      this.chain = chain;
      this.index = index;
      this.direction = direction;
      this.nodeId = nodeId;
      this.topic = topic;
      this.message = message;
    }

    Message run() {
      return chain[index].intercept(this);
    }

    @Override
    public Interceptor.Direction direction() {
      return direction;
    }

    @Override
    public Message message() {
      return message;
    }

    @Override
    public String nodeId() {
      return nodeId;
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public Message proceed(Message next) {
      if (proceeded) {
        throw new IllegalStateException("proceed() called twice by interceptor " + chain[index]);
      }
      proceeded = true;
      Objects.requireNonNull(next, "message");
      if (index + 1 == chain.length) {
        return next;
      }
      return new Link(chain, index + 1, direction, nodeId, topic, next).run();
    }
  }
}
