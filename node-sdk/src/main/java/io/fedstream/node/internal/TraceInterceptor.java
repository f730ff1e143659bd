package io.fedstream.node.internal;

import io.fedstream.node.Message;
import io.fedstream.node.spi.Interceptor;

/**
 * The SDK's trace context, as the first outbound interceptor: a message sent without a
 * traceparent starts a new trace (a reply already carries a child of its request's span).
 */
final class TraceInterceptor implements Interceptor {

  static final TraceInterceptor INSTANCE = new TraceInterceptor();

  private TraceInterceptor() {
  }

  @Override
  public Message intercept(Chain chain) {
    Message m = chain.message();
    if (chain.direction() == Direction.OUTBOUND && m.traceparent().isEmpty()) {
      m = m.toBuilder().traceparent(Trace.newTraceparent()).build();
    }
    return chain.proceed(m);
  }

  /**
   * Stamps a new trace on a message being prepared for sending, in the same build that fills in
   * its wire-only fields (so the message is built once); the chain then finds it stamped.
   */
  static void stamp(Message original, Message.Builder b) {
    if (original.traceparent().isEmpty()) {
      b.traceparent(Trace.newTraceparent());
    }
  }

  @Override
  public String toString() {
    return "TraceInterceptor";
  }
}
