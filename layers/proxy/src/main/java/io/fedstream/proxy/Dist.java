package io.fedstream.proxy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * MARO's {@code @dist(proxy, handler_dict)}: makes a plain object a distributed worker from a
 * table of conditional events and handlers. Java has no class decorators, so the table wraps the
 * instance:
 *
 * <pre>{@code
 * Dist<Worker> dist = Dist.of(proxy, Map.of("master:rollout:1", Worker::onRollout));
 * Worker worker = dist.wrap(new Worker());   // registered and live
 * dist.run();                                // until dist.stop()
 * }</pre>
 *
 * where {@code Worker.onRollout(Proxy proxy, List<Message> messages)} is an ordinary method: the
 * handler is called with {@code that} = the wrapped object. The handlers run on the register
 * table's thread, one at a time.
 *
 * @param <T> the wrapped class
 */
public final class Dist<T> {

  private final Proxy proxy;
  private final Map<String, Handler<? super T>> handlers;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile RegisterTable<T> table;

  private Dist(Proxy proxy, Map<String, Handler<? super T>> handlers) {
    this.proxy = proxy;
    this.handlers = handlers;
  }

  /**
   * A distributed worker's event → handler table, checked at once.
   *
   * @throws io.fedstream.node.NodeException.InvalidConditionException if an event does not parse
   */
  public static <T> Dist<T> of(Proxy proxy, Map<String, Handler<T>> handlers) {
    Objects.requireNonNull(proxy, "proxy");
    Map<String, Handler<? super T>> copy = new LinkedHashMap<>();
    new java.util.TreeMap<>(handlers).forEach((event, h) -> {
      Event.parse(event);
      copy.put(event, Objects.requireNonNull(h, "handler of " + event));
    });
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("A distributed worker needs at least one event and handler.");
    }
    return new Dist<>(proxy, copy);
  }

  /**
   * Registers the handlers with {@code that} as their object, waits until the router has them
   * (at most the proxy's deadline) and returns {@code that}.
   *
   * @throws IllegalStateException if this table already wrapped an object
   * @throws io.fedstream.node.NodeException.DeadlineExceededException if the router did not
   *     confirm in time (nothing stays registered)
   */
  public T wrap(T that) {
    Objects.requireNonNull(that, "that");
    synchronized (this) {
      if (table != null) {
        throw new IllegalStateException("Already wrapping " + table.that() + "; make one Dist per object.");
      }
      table = proxy.registerTable(that);
    }
    try {
      handlers.forEach(table::register);
      table.awaitLive(proxy.deadline());
    } catch (RuntimeException e) {
      table.close();
      throw e;
    }
    return that;
  }

  /** Blocks until {@link #stop()}. */
  public void run() throws InterruptedException {
    stopped.await();
  }

  /** Blocks until {@link #stop()} or the timeout; returns whether it stopped. */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether it is wrapping an object and not stopped. */
  public boolean running() {
    return table != null && stopped.getCount() > 0;
  }

  /**
   * Stops the worker: no new triggers, the handler in flight and those already triggered run to
   * their end (at most the proxy's deadline), then {@link #run()} returns. Idempotent. The proxy
   * stays open.
   */
  public void stop() {
    RegisterTable<T> t = table;
    if (t != null) {
      t.close();
    }
    stopped.countDown();
  }
}
