package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.ServeOptions;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Runs {@code serve} handlers: on a worker lane of the caller ({@link HandlerLanes}, the default)
 * or on the poll thread when opted in, and maps their outcome to a reply: the handler's message,
 * an empty reply, the code of a {@link NodeException}, or {@link ErrorCode#HANDLER}.
 */
final class Handlers {

  private static final Logger LOG = LoggerFactory.getLogger(Handlers.class);

  /** A handler and where it runs. */
  record Served(Function<Message, Mono<Message>> handler, ServeOptions options) {
  }

  private final HandlerLanes lanes;
  private final reactor.core.scheduler.Scheduler timer;

  Handlers(HostContext ctx) {
    this.lanes = new HandlerLanes(ctx.hostId, ctx.config.handlerThreads(), ctx.timer);
    this.timer = ctx.timer;
  }

  /** Runs a handler on a delivery; the delivery is processed once the reply is sent (or the handler is done). */
  void run(NodeSide node, Served served, Delivery d) {
    Message m = d.message;
    releaseAtDeadline(d);
    if (served.options().onPollThread()) {
      invoke(node, served.handler(), d, null);
      return;
    }
    boolean request = m.kind() == Message.Kind.REQUEST;
    long deadline = m.deadline().map(Instant::toEpochMilli).orElse(0L);
    try {
      lanes.submit(node.id() + '|' + m.source(), request, deadline, slot -> invoke(node, served.handler(), d, slot));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      d.processed(); // the host is closing
    }
  }

  /**
   * A request's record stops holding back its partition's commits once the request's deadline has
   * passed, whether or not its handler ever completes: the caller has given up, and a handler that
   * hangs must not make a restart redeliver everything after it.
   */
  private void releaseAtDeadline(Delivery d) {
    Message m = d.message;
    if (m.kind() != Message.Kind.REQUEST || m.deadline().isEmpty()) {
      return;
    }
    long delay = Math.max(0, m.deadline().get().toEpochMilli() - System.currentTimeMillis());
    try {
      timer.schedule(d::processed, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the host is closing
    }
  }

  private void invoke(NodeSide node, Function<Message, Mono<Message>> handler, Delivery d, HandlerLanes.Slot slot) {
    Message m = d.message;
    boolean request = m.kind() == Message.Kind.REQUEST;
    Mono<Optional<Message>> result = Mono.defer(() -> handler.apply(m)).map(Optional::of).defaultIfEmpty(Optional.empty());
    if (!request) {
      result.doFinally(s -> d.processed())
          .subscribe(null, e -> LOG.warn("node {}: handler of '{}' failed on {}: {}", node.id(), m.tag(), m.id(),
              e.toString()));
      return;
    }
    result.subscribe(
        reply -> answer(node, d, slot,
            () -> node.reply(m, reply.orElseGet(() -> Message.builder().tag(m.tag()).build()), false)
                // a reply that cannot be sent (too large, too deep) is the handler's fault, not the caller's
                // (sent from the timer thread: the failure arrives on a delivery task that is done)
                .onErrorResume(NodeException.CallerException.class, e -> Mono.defer(() -> node.replyError(m,
                    ErrorCode.HANDLER, "the handler's reply could not be sent: " + e.reason(), false))
                    .subscribeOn(timer))),
        e -> {
          ErrorCode code = e instanceof NodeException ? ((NodeException) e).errorCode() : ErrorCode.HANDLER;
          String reason = e instanceof NodeException ? ((NodeException) e).reason() : String.valueOf(e);
          answer(node, d, slot, () -> node.replyError(m, code, reason, false));
        });
  }

  private static void answer(NodeSide node, Delivery d, HandlerLanes.Slot slot, Supplier<Mono<Void>> reply) {
    Runnable send = () -> {
      Mono<Void> sent;
      try {
        sent = reply.get();
      } catch (RuntimeException e) {
        sent = Mono.error(e);
      }
      sent.doFinally(s -> d.processed())
          .subscribe(null, e -> LOG.error("node {}: cannot reply to {}: {}", node.id(), d.message.id(), e.toString()));
    };
    if (slot == null) {
      send.run();
    } else {
      slot.release(send);
    }
  }

  /** See {@link HandlerLanes#beginBatch()}: on the poll thread, before it hands a batch of records out. */
  void beginBatch() {
    lanes.beginBatch();
  }

  /** See {@link HandlerLanes#endBatch()}. */
  HandlerLanes.Claimed endBatch() {
    return lanes.endBatch();
  }

  void shutdown() {
    lanes.shutdown();
  }
}
