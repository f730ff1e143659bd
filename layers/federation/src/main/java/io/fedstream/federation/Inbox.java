package io.fedstream.federation;

import io.fedstream.node.Message;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;

/**
 * A node's blocking inbox over {@code Node.receive()}: it asks the node for one message per
 * waiting receiver, so that at most one message waits here beyond what receivers took, and the
 * node's own backpressure (the receive buffer) holds the rest. Messages of another run (attribute
 * {@link Bodies#RUN}) are dropped and logged. {@link #stop} fails every waiter and every later
 * take with {@code STOPPED} and cancels the subscription.
 */
final class Inbox extends BaseSubscriber<Message> {

  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

  private final String nodeId;
  private final String runId;
  private final Predicate<Message> accept;
  private final Deque<FederatedMessage> buffer = new ArrayDeque<>();
  private final Deque<CompletableFuture<FederatedMessage>> waiters = new ArrayDeque<>();
  private long requested;
  private FederationException stopped;

  Inbox(String nodeId, String runId, Predicate<Message> accept) {
    this.nodeId = nodeId;
    this.runId = runId;
    this.accept = accept;
  }

  @Override
  protected void hookOnSubscribe(Subscription subscription) {
    // demand comes from takers
  }

  /** The next message: at once if one waits here, else when the node delivers one. */
  synchronized CompletableFuture<FederatedMessage> take() {
    if (!buffer.isEmpty()) {
      return CompletableFuture.completedFuture(buffer.poll());
    }
    if (stopped != null) {
      return CompletableFuture.failedFuture(stopped);
    }
    CompletableFuture<FederatedMessage> f = new CompletableFuture<>();
    waiters.add(f);
    demand();
    return f;
  }

  /** Puts messages back at the front, in their order, for the next takers (a gather's leftovers). */
  synchronized void putBack(java.util.List<FederatedMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      buffer.addFirst(messages.get(i));
    }
    while (!buffer.isEmpty() && !waiters.isEmpty()) {
      if (!waiters.poll().complete(buffer.peek())) {
        continue;
      }
      buffer.poll();
    }
  }

  private void demand() {
    waiters.removeIf(CompletableFuture::isDone);
    if (requested < waiters.size()) {
      long n = waiters.size() - requested;
      requested += n;
      request(n);
    }
  }

  @Override
  protected void hookOnNext(Message m) {
    FederatedMessage fm = null;
    String run = m.attributes().get(Bodies.RUN);
    if (run != null && !run.equals(runId)) {
      LOG.info("{} dropped '{}' from {}: it belongs to an earlier run ({})", nodeId, m.tag(), m.source(), run);
    } else if (!accept.test(m)) {
      LOG.debug("{} left '{}' from {} to the federation", nodeId, m.tag(), m.source());
    } else {
      try {
        fm = new FederatedMessage(m.source() == null ? "?" : m.source(), m.tag(), Bodies.decode(m), m.createdAt(), m);
      } catch (RuntimeException e) {
        LOG.warn("{} dropped '{}' from {}: its body cannot be read: {}", nodeId, m.tag(), m.source(), e.toString());
      }
    }
    synchronized (this) {
      requested--;
      if (fm != null) {
        CompletableFuture<FederatedMessage> w;
        boolean given = false;
        while ((w = waiters.poll()) != null) {
          if (w.complete(fm)) {
            given = true;
            break;
          }
        }
        if (!given) {
          buffer.add(fm);
        }
      }
      demand();
    }
  }

  @Override
  protected void hookOnError(Throwable t) {
    stop(new FederationException(FederationException.STOPPED, nodeId + " can receive no more: " + t, nodeId, t));
  }

  @Override
  protected void hookOnComplete() {
    stop(new FederationException(FederationException.STOPPED, nodeId + " was closed", nodeId, null));
  }

  /** Fails every waiter and later take with {@code why}, and stops receiving. */
  void stop(FederationException why) {
    CompletableFuture<?>[] pending;
    synchronized (this) {
      if (stopped != null) {
        return;
      }
      stopped = why;
      pending = waiters.toArray(new CompletableFuture<?>[0]);
      waiters.clear();
    }
    for (CompletableFuture<?> w : pending) {
      w.completeExceptionally(why);
    }
    dispose();
  }

  synchronized boolean isStopped() {
    return stopped != null;
  }
}
