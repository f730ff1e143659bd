package io.fedstream.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * XAIN's client manager: one proxy per client that connected, made with the factory given to
 * {@link ConnectionServer#createClientManager(Supplier)}. {@link #getClients(int)} blocks until at
 * least {@code min} clients are connected and returns their proxies; {@link #clients(int,
 * Duration)} is its Mono form.
 *
 * @param <P> the proxy type
 */
public final class ClientManager<P extends ClientProxy> {

  private final ConnectionServer server;
  private final Supplier<P> factory;
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

  private record Waiter(int min, MonoSink<List<ClientProxy>> sink) {
  }

  ClientManager(ConnectionServer server, Supplier<P> factory) {
    this.server = server;
    this.factory = factory;
  }

  ClientProxy newProxy(String clientId) {
    P p = factory.get();
    if (p == null) {
      throw new IllegalStateException("the client proxy factory returned null");
    }
    p.attach(server, clientId);
    return p;
  }

  /** The proxies of the clients connected now, ordered by client id. */
  @SuppressWarnings("unchecked")
  public List<P> connected() {
    List<P> out = new ArrayList<>();
    for (ClientProxy p : server.proxies().values()) {
      if (p.isConnected()) {
        out.add((P) p);
      }
    }
    out.sort(Comparator.comparing(ClientProxy::clientId));
    return out;
  }

  /**
   * XAIN's {@code get_clients(min_num_clients)}: waits until at least {@code min} clients are
   * connected, at most the server's clients timeout (60 s unless set), and returns the proxies of
   * all connected clients.
   *
   * @throws ConnectionException {@code BAD_ARGUMENTS} if {@code min} is below 1; {@code TIMEOUT}
   *     saying how many connected when fewer than {@code min} did in time; {@code CLOSED} if the
   *     server closes meanwhile
   */
  public List<P> getClients(int min) {
    return getClients(min, server.clientsTimeout());
  }

  /** {@link #getClients(int)} with its own deadline. */
  public List<P> getClients(int min, Duration deadline) {
    List<P> l = clients(min, deadline).block();
    return l == null ? List.of() : l;
  }

  /**
   * The Mono form of {@link #getClients(int)}: emits the connected proxies once at least {@code
   * min} are connected, or fails with {@code TIMEOUT} after {@code deadline}.
   */
  @SuppressWarnings("unchecked")
  public Mono<List<P>> clients(int min, Duration deadline) {
    if (min < 1) {
      throw new ConnectionException(ConnectionException.BAD_ARGUMENTS, "getClients needs a minimum of at least 1, was "
          + min);
    }
    Mono<List<ClientProxy>> m = Mono.create(sink -> {
      Waiter w = new Waiter(min, sink);
      waiters.add(w);
      sink.onDispose(() -> waiters.remove(w));
      changed();
    });
    return m.map(l -> (List<P>) (List<?>) l)
        .timeout(deadline, Mono.defer(() -> Mono.error(new ConnectionException(ConnectionException.TIMEOUT, "only "
            + connected().size() + " of the " + min + " clients required connected within " + deadline.toMillis()
            + " ms"))));
  }

  /** Re-checks the waiters after a connection changed. */
  void changed() {
    if (waiters.isEmpty()) {
      return;
    }
    if (server.isClosed()) {
      for (Waiter w : waiters) {
        w.sink().error(new ConnectionException(ConnectionException.CLOSED, "the server closed"));
      }
      return;
    }
    List<P> now = connected();
    for (Waiter w : waiters) {
      if (now.size() >= w.min()) {
        w.sink().success(List.copyOf(now));
      }
    }
  }
}
