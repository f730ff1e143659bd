package io.fedstream.proxy;

import io.fedstream.node.Node;
import io.fedstream.node.PresenceEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** A proxy's view of its group: the peers by component type, from presence. */
final class Peers {

  private final Node node;
  private final String group;
  private final Map<String, String> typeOfPeer = new ConcurrentHashMap<>();
  private final Sinks.Many<PeerEvent> events = Sinks.many().multicast().directBestEffort();
  private final Disposable presence;

  Peers(Node node, String group) {
    this.node = node;
    this.group = group;
    this.presence = node.presence().subscribe(this::onPresence, e -> { });
  }

  List<String> of(String componentType) {
    Set<String> m = new TreeSet<>(node.members(Proxy.typeGroup(group, componentType)));
    m.remove(node.id());
    return List.copyOf(m);
  }

  Map<String, List<String>> all() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    new TreeSet<>(typeOfPeer.values()).forEach(t -> {
      List<String> p = of(t);
      if (!p.isEmpty()) {
        out.put(t, p);
      }
    });
    return out;
  }

  boolean isPeer(String name) {
    return name.equals(node.id()) || node.members(group).contains(name);
  }

  Flux<PeerEvent> events() {
    return events.asFlux();
  }

  private void onPresence(PresenceEvent e) {
    if (e.nodeId().equals(node.id()) || !e.groups().contains(group)) {
      return;
    }
    String type = null;
    for (String g : e.groups()) {
      if (g.startsWith(group + "-")) {
        type = g.substring(group.length() + 1);
      }
    }
    if (type == null) {
      return;
    }
    typeOfPeer.put(e.nodeId(), type);
    events.tryEmitNext(new PeerEvent(e.type() == PresenceEvent.Type.JOINED ? PeerEvent.Type.JOINED
        : PeerEvent.Type.LEFT, e.nodeId(), type, e.at()));
  }

  void close() {
    presence.dispose();
    events.tryEmitComplete();
  }
}
