package io.fedstream.node.spi;

import io.fedstream.node.Message;

/**
 * Sees, and may replace, every message a node sends (OUTBOUND) and every message it receives
 * (INBOUND), around the envelope: shaped like OkHttp's {@code Interceptor.intercept(chain)}. An
 * interceptor calls {@link Chain#proceed(Message)} once, with the message it received or with a
 * changed one, and returns what {@code proceed} returned (or a changed copy of it).
 *
 * <p><b>What it sees.</b> The whole {@link Message}: its identity ({@link Message#id()}, {@link
 * Message#source()}, {@link Message#destination()}, {@link Message#sessionId()}, {@link
 * Message#createdAt()}, {@link Message#kind()}, {@link Message#inReplyTo()}), its tag, args,
 * payloads, attributes and traceparent. Outbound, the node has already filled in the wire-only
 * fields; inbound, the message is as decoded, before deduplication hands it to the node's code.
 *
 * <p><b>What it may change.</b> Args, payloads (bytes, content type, schema id), attributes (not
 * those starting with {@value Message#RESERVED_PREFIX}), the tag and the traceparent, through
 * {@code message.toBuilder()}. It must not change the identity: a message whose id, kind,
 * source, destination or session differs after the chain fails with {@code REJECTED}.
 *
 * <p><b>Large payloads.</b> Interceptors see whole messages, never single CHUNK records: outbound
 * before a payload larger than {@code fedstream.chunk.size} is cut into chunks, inbound after its
 * chunks are reassembled and checked. A large payload is a file or a stream ({@link
 * io.fedstream.node.Payload#openStream()}); do not call {@code bytes()} on it. To transform it
 * chunk by chunk (encrypt, sign), replace it with {@link io.fedstream.node.Payload#ofStream} whose
 * stream transforms lazily as the node reads it: outbound, the node reads one chunk at a time
 * (two in memory); inbound, wrap the reassembled file's stream the same way.
 *
 * <p><b>Failures.</b> An interceptor that throws fails that one message and nothing else: outbound
 * the send (or request) fails with the thrown {@link io.fedstream.node.NodeException}'s code, or
 * {@code REJECTED} for any other exception; inbound the message is not delivered: a request gets
 * an error reply with that code, a reply completes its call with that error, anything else is
 * dead-lettered with the reason. The node keeps running. Returning {@code null} counts as a
 * failure.
 *
 * <p><b>Order and threads.</b> Interceptors of the {@code NodeConfig} run first, then the node's
 * own ({@code NodeSpec}), outbound in registration order and inbound in the reverse order (the
 * one that wrapped the message last unwraps it first). Outbound runs on the sending thread;
 * inbound on the host's poll thread, so keep it short and never block. An interceptor serves
 * every node of a host at once: it must be thread-safe. FedStream's own trace context is the
 * first interceptor outbound.
 */
@FunctionalInterface
public interface Interceptor {

  /**
   * Intercepts one message.
   *
   * @param chain the message and the rest of the chain
   * @return the message as it goes on (outbound: to the wire; inbound: to the node's code)
   */
  Message intercept(Chain chain);

  /** Which way a message travels. */
  enum Direction {
    /** Sent by a local node; the chain ends at the encoder. */
    OUTBOUND,
    /** Received by a local node; the chain ends at the node's dispatch. */
    INBOUND
  }

  /** The message being intercepted and the rest of the chain. */
  interface Chain {

    /** Which way the message travels. */
    Direction direction();

    /** The message as this interceptor receives it. */
    Message message();

    /** The id of the local node that sends (OUTBOUND) or receives (INBOUND) the message. */
    String nodeId();

    /** The Kafka topic the message is written to or was read from. */
    String topic();

    /**
     * Passes a message to the rest of the chain and returns its result.
     *
     * @param message the message to pass on (the one received, or a changed copy)
     * @return what the rest of the chain returned
     * @throws IllegalStateException if called twice
     */
    Message proceed(Message message);
  }
}
