package io.fedstream.roles;

import io.fedstream.node.EventSubscription;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * The subscriptions of one role: manual ones ({@link Role#subscribe}) and the automatic ones of its
 * {@link EventHandler}s, which follow their relationship. Each is one router subscription to one
 * instance (role = the instance's role, instances = its node), made live (acknowledged) before the
 * call that makes it returns.
 */
final class RoleSubscriptions implements RoleNode.RelationshipListener {

  private static final Logger LOG = LoggerFactory.getLogger(RoleSubscriptions.class);
  /** Attributes the router sets on a routed event (the topic contract, schemas/TOPICS.md). */
  private static final String ATTR_INSTANCE = "fedstream.instance";
  private static final String ATTR_ROLE = "fedstream.role";

  /** One automatic subscription: its handler, and the instances it is subscribed to now. */
  private static final class Auto {
    final Bindings.AutoSubscription spec;
    final Map<RoleInstanceId, RoleSubscription> live = new LinkedHashMap<>();
    /** The local fallback made at start, which stays when instances join (RoleML's rule). */
    RoleInstanceId fallback;

    Auto(Bindings.AutoSubscription spec) {
      this.spec = spec;
    }
  }

  private final Deployment owner;
  private final List<Auto> autos = new ArrayList<>();
  private final List<RoleSubscription> manual = new ArrayList<>();

  RoleSubscriptions(Deployment owner) {
    this.owner = owner;
  }

  /** Subscribes to one instance and waits (bounded by the service deadline) until it is live. */
  RoleSubscription subscribe(RoleInstanceId source, String channel, SubscriptionMode mode, Map<String, ?> conditions,
      EventListener listener) {
    EventSubscription es = EventSubscription.to(source.role(), channel).instances(source.node());
    if (mode == SubscriptionMode.ONCE) {
      es = es.once();
    }
    if (conditions != null && !conditions.isEmpty()) {
      es = es.conditions(conditions);
    }
    Sinks.Empty<Void> live = Sinks.empty();
    Disposable d = owner.roleNode.node.subscribe(es, live::tryEmitEmpty)
        .publishOn(owner.roleNode.workers)
        .subscribe(m -> deliver(listener, m), e -> {
          live.tryEmitError(e);
          LOG.warn("role {}: subscription to {} {} ended: {}", owner.instanceId, source, channel, e.toString());
        });
    Duration wait = owner.roleNode.settings.serviceDeadline();
    try {
      live.asMono().block(wait);
    } catch (RuntimeException e) {
      d.dispose();
      throw e instanceof IllegalStateException ? new NodeException.DeadlineExceededException("subscription to "
          + source + " " + channel + " not acknowledged by the router within " + wait.toMillis() + " ms") : e;
    }
    RoleSubscription s = new RoleSubscription(source, channel, d);
    synchronized (this) {
      manual.add(s);
    }
    return s;
  }

  private void deliver(EventListener listener, Message m) {
    String instance = m.attributes().getOrDefault(ATTR_INSTANCE, m.source());
    String role = m.attributes().getOrDefault(ATTR_ROLE, "unknown");
    try {
      listener.onEvent(new RoleInstanceId(instance, role), Args.from(m.args()), Payloads.from(m.payloads()));
    } catch (RuntimeException e) {
      LOG.warn("role {}: event handler failed on event {} of {}/{}: {}", owner.instanceId, m.id(), instance, role,
          e.toString());
    }
  }

  /** Makes the automatic subscriptions, with the local fallback for an empty relationship. */
  void startAutomatic(List<Bindings.AutoSubscription> specs) {
    if (specs.isEmpty()) {
      return;
    }
    for (Bindings.AutoSubscription spec : specs) {
      Auto a = new Auto(spec);
      Set<RoleInstanceId> ids = owner.roleNode.relationship(spec.relationship());
      if (ids.isEmpty() && owner.roleNode.hasRole(spec.relationship())) {
        a.fallback = new RoleInstanceId(owner.roleNode.id(), spec.relationship());
        a.live.put(a.fallback, subscribe(a, a.fallback));
      }
      for (RoleInstanceId i : ids) {
        a.live.put(i, subscribe(a, i));
      }
      synchronized (this) {
        autos.add(a);
      }
    }
    owner.roleNode.listen(this);
  }

  private RoleSubscription subscribe(Auto a, RoleInstanceId i) {
    return subscribe(i, a.spec.channel(), a.spec.mode(), a.spec.conditions(),
        (src, args, payloads) -> owner.invokeHandler(a.spec.method(), src, args, payloads));
  }

  @Override
  public void changed(String relationship, Set<RoleInstanceId> added, Set<RoleInstanceId> removed) {
    List<Auto> mine;
    synchronized (this) {
      mine = new ArrayList<>(autos);
    }
    for (Auto a : mine) {
      if (!a.spec.relationship().equals(relationship)) {
        continue;
      }
      synchronized (a) {
        for (RoleInstanceId i : removed) {
          if (i.equals(a.fallback)) {
            continue;
          }
          RoleSubscription s = a.live.remove(i);
          if (s != null) {
            s.close();
          }
        }
        for (RoleInstanceId i : added) {
          if (!a.live.containsKey(i)) {
            try {
              a.live.put(i, subscribe(a, i));
            } catch (RuntimeException e) {
              LOG.warn("role {}: cannot subscribe to {} of {}: {}", owner.instanceId, a.spec.channel(), i, e.toString());
            }
          }
        }
      }
    }
  }

  /** The instances an automatic subscription of this relationship and channel follows now (tests, demo). */
  synchronized Set<RoleInstanceId> following(String relationship, String channel) {
    for (Auto a : autos) {
      if (a.spec.relationship().equals(relationship) && a.spec.channel().equals(channel)) {
        synchronized (a) {
          return Set.copyOf(a.live.keySet());
        }
      }
    }
    return Set.of();
  }

  void stopAll() {
    owner.roleNode.unlisten(this);
    List<RoleSubscription> all;
    synchronized (this) {
      all = new ArrayList<>(manual);
      manual.clear();
      autos.clear();
    }
    all.forEach(RoleSubscription::close);
  }
}
