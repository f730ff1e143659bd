package io.fedstream.proxy;

import io.fedstream.node.NodeException;
import io.fedstream.node.RegisterExpression;
import io.fedstream.node.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;

/**
 * MARO's conditional event register table: conditional events bound to handlers. Each event is
 * registered in the router's register table ({@code docs/router.md}), which counts the messages
 * sent to this proxy (and broadcast to its groups) and triggers when the event is met; the
 * handler is then called with every message gathered since the previous trigger, in arrival
 * order, resolved: messages the router passed by reference are fetched, payloads that travelled as
 * chunks are the reassembled files.
 *
 * <p><b>Messages a registration gathers go to its handler, not to {@link Proxy#receive()}</b> (as
 * in MARO, where the table consumes what it matches): from the moment {@link #register} returns,
 * a message whose tag and source match a unit of a registered event is held for the trigger. They
 * are given back to {@code receive()} when the table closes. Handlers run one at a time, in trigger
 * order, on the table's own thread (so they may block, e.g. on {@link Proxy#send}); a handler that
 * throws is logged with its trigger and the next trigger is dispatched as usual.
 *
 * <p>A registration is live once the router has read it, shortly after {@link #register}: call
 * {@link #awaitLive(Duration)} before peers send what it should count.
 *
 * @param <T> the type of the handlers' {@code that}
 */
public final class RegisterTable<T> implements AutoCloseable {

  /** How long a trigger's message waits for its copy from receive() (which has reassembled chunks). */
  private static final Duration HELD_WAIT = Duration.ofSeconds(2);

  private final Proxy proxy;
  private final T that;
  private final ExecutorService dispatcher;
  private final List<Registration> registrations = new CopyOnWriteArrayList<>();
  private final AtomicInteger handlerIds = new AtomicInteger();
  private volatile boolean closed;

  private final class Registration {
    final Event event;
    final List<RegisterExpression.Unit> units;
    final Handler<? super T> handler;
    final String handlerId;
    final CountDownLatch probe;
    volatile Disposable subscription;

    Registration(Event event, Handler<? super T> handler, CountDownLatch probe) {
      this.event = event;
      this.units = event.units();
      this.handler = handler;
      this.probe = probe;
      this.handlerId = (probe != null ? "probe-" : "handler-") + handlerIds.incrementAndGet();
    }
  }

  RegisterTable(Proxy proxy, T that) {
    this.proxy = proxy;
    this.that = that;
    this.dispatcher = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "proxy-" + proxy.name() + "-handlers");
      t.setDaemon(true);
      return t;
    });
    proxy.inbox().tables.add(this);
  }

  /** The {@code that} handlers get. */
  public T that() {
    return that;
  }

  /**
   * Registers a conditional event given as text: a unit event {@code "worker:update:60%"} or an
   * expression {@code "(a:x:1 AND b:x:2) OR c:x:1"}.
   *
   * @throws NodeException.InvalidConditionException ({@code INVALID_CONDITION}) if it does not
   *     parse; nothing is written then
   */
  public RegisterTable<T> register(String event, Handler<? super T> handler) {
    return register(Event.parse(event), handler);
  }

  /**
   * Registers a conditional event and its handler.
   *
   * @throws IllegalStateException if the table is closed
   */
  public RegisterTable<T> register(Event event, Handler<? super T> handler) {
    add(Objects.requireNonNull(event, "event"), Objects.requireNonNull(handler, "handler"), null);
    return this;
  }

  private Registration add(Event event, Handler<? super T> handler, CountDownLatch probe) {
    if (closed) {
      throw new IllegalStateException("The register table of " + proxy.name() + " is closed.");
    }
    Registration r = new Registration(event, handler, probe);
    registrations.add(r); // before the record is written: what it will gather is held from now on
    r.subscription = proxy.node().register(event.expression(), r.handlerId).subscribe(
        t -> onTrigger(r, t),
        e -> Inbox.LOG.error("proxy {}: registration of '{}' failed: {}", proxy.name(), event, e.toString()));
    return r;
  }

  /**
   * Waits until the router has read every registration made so far: registers a probe event on
   * this proxy's own messages and sends itself a probe until it triggers (a node's registrations
   * reach the router in order).
   *
   * @throws NodeException.DeadlineExceededException if the probe did not trigger in time (is the
   *     namespace's router running?)
   */
  public void awaitLive(Duration deadline) {
    String tag = "proxy-probe-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    CountDownLatch live = new CountDownLatch(1);
    Registration probe = add(Event.of(proxy.name() + ":" + tag + ":1"), (x, p, m) -> { }, live);
    long end = System.nanoTime() + deadline.toNanos();
    try {
      do {
        proxy.node().send(io.fedstream.node.Message.builder().tag(tag).to(proxy.name()).build()).block();
        if (live.await(Math.min(500, Math.max(1, (end - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS)) {
          return;
        }
      } while (System.nanoTime() < end);
      throw new NodeException.DeadlineExceededException("the router did not confirm the registrations of "
          + proxy.name() + " within " + deadline.toMillis() + " ms; is the namespace's router running?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException(io.fedstream.node.ErrorCode.CANCELLED, "interrupted");
    } finally {
      remove(probe);
      proxy.inbox().release(m -> m.tag().equals(tag));
    }
  }

  private void remove(Registration r) {
    registrations.remove(r);
    Disposable s = r.subscription;
    if (s != null) {
      s.dispose();
    }
  }

  /** Whether a registration of this table will gather this message (tag and source match a unit). */
  boolean gathers(Message m) {
    for (Registration r : registrations) {
      for (RegisterExpression.Unit u : r.units) {
        if (u.tagMatches(m.tag()) && sourceMatches(u.source(), m.source())) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean sourceMatches(String unitSource, String source) {
    if ("*".equals(unitSource) || (source != null && source.startsWith(unitSource))) {
      return true;
    }
    String group = unitSource.replace('_', '-');
    return source != null && group.matches("[a-z0-9][a-z0-9-]*") && proxy.node().members(group).contains(source);
  }

  private void onTrigger(Registration r, Trigger t) {
    try {
      dispatcher.execute(() -> dispatch(r, t));
    } catch (RejectedExecutionException e) {
      Inbox.LOG.warn("proxy {}: trigger {} of '{}' arrived after the table closed; dropped", proxy.name(),
          t.sequence(), r.event);
    }
  }

  private void dispatch(Registration r, Trigger t) {
    List<Message> messages;
    try {
      messages = resolve(t);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (r.probe != null) {
      r.probe.countDown();
      return;
    }
    messages.forEach(proxy::handedOver);
    try {
      r.handler.handle(that, proxy, messages);
    } catch (Throwable e) {
      Inbox.LOG.warn("proxy {}: handler of '{}' failed on trigger {} of registration {} ({} messages: {}); dispatch"
          + " goes on", proxy.name(), r.event, t.sequence(), t.registrationId(), messages.size(),
          messages.stream().map(Message::messageId).toList(), e);
    }
  }

  private List<Message> resolve(Trigger t) throws InterruptedException {
    List<Message> out = new ArrayList<>(t.items().size());
    for (Trigger.Item item : t.items()) {
      if (item.message().isEmpty()) {
        Inbox.LOG.warn("proxy {}: trigger {} of {}: gathered message at {} could not be fetched; left out",
            proxy.name(), t.sequence(), t.registrationId(), item.position());
        continue;
      }
      io.fedstream.node.Message n = item.message().get();
      Message copy = Convert.fromNode(n);
      Message held = proxy.inbox().takeHeld(n.id(), gathers(copy) ? HELD_WAIT : Duration.ZERO);
      out.add(held != null ? held : copy);
    }
    return out;
  }

  /**
   * Stops the table: removes its registrations from the router, lets the handler in flight and the
   * triggers already queued finish (at most the proxy's deadline), and gives the messages held for
   * them back to {@link Proxy#receive()}. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    new ArrayList<>(registrations).forEach(this::remove);
    dispatcher.shutdown();
    try {
      if (!dispatcher.awaitTermination(proxy.deadline().toMillis(), TimeUnit.MILLISECONDS)) {
        Inbox.LOG.warn("proxy {}: handlers still running after {}; interrupting", proxy.name(), proxy.deadline());
        dispatcher.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dispatcher.shutdownNow();
    }
    proxy.inbox().tables.remove(this);
    proxy.inbox().release(m -> m.tag().startsWith("proxy-probe-"));
  }
}
