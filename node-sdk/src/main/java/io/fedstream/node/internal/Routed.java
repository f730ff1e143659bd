package io.fedstream.node.internal;

import io.fedstream.schemas.RoutedRecords;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;

/**
 * A node's subscriptions and registrations with the router, and the dispatch of what the router
 * sends back: routed events (attribute {@code fedstream.subscriptions}), triggers (attribute
 * {@code fedstream.registration}) and rejections (a {@code REPLY} from the router tagged
 * {@code fedstream.subscribe} / {@code fedstream.register}). These go to their Flux only, never to
 * {@code receive()}; with no Flux for their id they are dropped.
 */
final class Routed {

  private static final Logger LOG = LoggerFactory.getLogger(Routed.class);


  private record Entry(FluxSink<Delivery> sink, boolean once, Runnable onLive) {
  }

  private final String nodeId;
  private final Map<String, Entry> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, Entry> registrations = new ConcurrentHashMap<>();
  private volatile boolean closed;

  Routed(String nodeId) {
    this.nodeId = nodeId;
  }

  /** Whether a message belongs to the router calls rather than to {@code receive()}. */
  static boolean isRouted(Message m) {
    if (m.kind() == Message.Kind.EVENT && m.attributes().containsKey(RoutedRecords.ATTR_SUBSCRIPTIONS)) {
      return true;
    }
    if (m.kind() == Message.Kind.TRIGGER && m.attributes().containsKey(RoutedRecords.ATTR_REGISTRATION)) {
      return true;
    }
    return m.kind() == Message.Kind.REPLY && RoutedRecords.ROUTER_SOURCE.equals(m.source()) && m.inReplyTo().isPresent()
        && (RoutedRecords.SUBSCRIBE_TAG.equals(m.tag()) || RoutedRecords.REGISTER_TAG.equals(m.tag()));
  }

  /** False if the node is closed (the sink is not kept). */
  boolean addSubscription(String id, FluxSink<Delivery> sink, boolean once) {
    return addSubscription(id, sink, once, null);
  }

  /** As above; {@code onLive} runs once when the router acknowledges the subscription (see {@link Acknowledged}). */
  boolean addSubscription(String id, FluxSink<Delivery> sink, boolean once, Runnable onLive) {
    subscriptions.put(id, new Entry(sink, once, Acknowledged.once(onLive)));
    if (closed) {
      subscriptions.remove(id);
      return false;
    }
    return true;
  }

  boolean addRegistration(String id, FluxSink<Delivery> sink) {
    registrations.put(id, new Entry(sink, false, null));
    if (closed) {
      registrations.remove(id);
      return false;
    }
    return true;
  }

  void removeSubscription(String id, FluxSink<Delivery> sink) {
    subscriptions.computeIfPresent(id, (k, e) -> e.sink == sink ? null : e);
  }

  void removeRegistration(String id, FluxSink<Delivery> sink) {
    registrations.computeIfPresent(id, (k, e) -> e.sink == sink ? null : e);
  }

  /** Hands a routed message (see {@link #isRouted}) to its Flux(es) or drops it; poll thread. */
  void offer(Delivery d) {
    Message m = d.message;
    if (m.kind() == Message.Kind.REPLY) {
      String id = m.inReplyTo().get();
      if (Acknowledged.isAcknowledgement(m)) {
        Entry live = subscriptions.get(id);
        d.processed();
        Acknowledged.run(live == null ? null : live.onLive(), nodeId, id);
        return;
      }
      Entry e = (RoutedRecords.SUBSCRIBE_TAG.equals(m.tag()) ? subscriptions : registrations).remove(id);
      d.processed();
      NodeException error = m.error().map(Message.Error::toException).orElse(null);
      if (e == null || error == null) {
        LOG.info("node {}: router answer to {} {} with no waiting call; dropped ({})", nodeId, m.tag(), id,
            m.error().map(x -> x.code() + ": " + x.reason()).orElse("no error"));
        return;
      }
      e.sink.error(error);
      return;
    }
    if (m.kind() == Message.Kind.TRIGGER) {
      String id = m.attributes().get(RoutedRecords.ATTR_REGISTRATION);
      Entry e = registrations.get(id);
      if (e == null || e.sink.isCancelled()) {
        LOG.info("node {}: trigger {} of registration {} has no register() Flux; dropped", nodeId, m.id(), id);
        d.processed();
        return;
      }
      e.sink.next(d);
      return;
    }
    List<Entry> to = new ArrayList<>(1);
    for (String id : m.attributes().get(RoutedRecords.ATTR_SUBSCRIPTIONS).split(",")) {
      String sid = id.trim();
      Entry e = subscriptions.get(sid);
      if (e != null && !e.sink.isCancelled() && (!e.once || subscriptions.remove(sid, e))) {
        to.add(e);
      }
    }
    if (to.isEmpty()) {
      LOG.debug("node {}: event {} for subscriptions {} with no subscribe() Flux; dropped", nodeId, m.id(),
          m.attributes().get(RoutedRecords.ATTR_SUBSCRIPTIONS));
      d.processed();
      return;
    }
    Delivery[] parts = d.split(to.size());
    for (int i = 0; i < parts.length; i++) {
      Entry e = to.get(i);
      e.sink.next(parts[i]);
      if (e.once) {
        e.sink.complete();
      }
    }
  }

  /** Completes every Flux (the node closes); their disposal writes the tombstones. */
  void closeAll() {
    closed = true;
    List<Entry> all = new ArrayList<>(subscriptions.values());
    all.addAll(registrations.values());
    subscriptions.clear();
    registrations.clear();
    all.forEach(e -> e.sink.complete());
  }
}
