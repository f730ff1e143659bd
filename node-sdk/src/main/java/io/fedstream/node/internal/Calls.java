package io.fedstream.node.internal;

import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * Calls waiting for replies, by request id. A reply completes its call; a reply whose call has
 * given up (deadline passed, cancelled) finds nothing here and is dropped by the host. Timers run
 * on a given scheduler, so deadlines are tested with virtual time.
 */
final class Calls {

  private final Map<String, Object> pending = new ConcurrentHashMap<>();

  /** One reply to {@code id}, or a {@link NodeException.DeadlineExceededException} after {@code deadline}. */
  Mono<Message> call(String id, String what, Duration deadline, Mono<Void> send, Scheduler timer) {
    return Mono.<Message>create(sink -> {
      pending.put(id, sink);
      sink.onDispose(() -> pending.remove(id, sink));
      send.subscribe(null, sink::error);
    }).timeout(deadline, Mono.error(() -> new NodeException.DeadlineExceededException(
        "no reply to " + what + " within " + deadline.toMillis() + " ms")), timer);
  }

  /** Every reply to {@code id} until {@code deadline} (then completes). */
  Flux<Message> collect(String id, Duration deadline, Mono<Void> send, Scheduler timer) {
    return Flux.<Message>create(sink -> {
      pending.put(id, sink);
      sink.onDispose(() -> pending.remove(id, sink));
      send.subscribe(null, sink::error);
    }).take(deadline, timer);
  }

  /** Hands a reply to its call; false when no call waits for it (late or unknown). */
  @SuppressWarnings("unchecked")
  boolean deliver(Message reply) {
    String id = reply.inReplyTo().orElse(null);
    if (id == null) {
      return false;
    }
    Object s = pending.get(id);
    if (s instanceof MonoSink) {
      if (pending.remove(id, s)) {
        ((MonoSink<Message>) s).success(reply);
        return true;
      }
      return false;
    }
    if (s instanceof FluxSink) {
      ((FluxSink<Message>) s).next(reply);
      return true;
    }
    return false;
  }

  int size() {
    return pending.size();
  }

  /** Fails every waiting call (the host is closing). */
  @SuppressWarnings("unchecked")
  void cancelAll(NodeException why) {
    for (Object s : pending.values()) {
      if (s instanceof MonoSink) {
        ((MonoSink<Message>) s).error(why);
      } else {
        ((FluxSink<Message>) s).error(why);
      }
    }
    pending.clear();
  }
}
