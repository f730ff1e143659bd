package io.fedstream.proxy;

import java.util.List;

/**
 * A register table's handler, MARO's {@code handler(that, proxy, messages)}.
 *
 * @param <T> the type of the local instance the handler operates on
 */
@FunctionalInterface
public interface Handler<T> {

  /**
   * Called when the handler's conditional event is met.
   *
   * @param that the local instance (the object a {@link Dist} wrapped; what the table was made
   *     with otherwise)
   * @param proxy the proxy, for replies and further communication
   * @param messages every message gathered for the event since its previous trigger, in arrival
   *     order, resolved (payloads that travelled as chunks reassembled as files)
   * @throws Exception anything: it is logged with the trigger and dispatch goes on
   */
  void handle(T that, Proxy proxy, List<Message> messages) throws Exception;
}
