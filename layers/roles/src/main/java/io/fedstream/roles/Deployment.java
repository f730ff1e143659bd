package io.fedstream.roles;

import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.ServeOptions;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One deployed role: its status, its bound channels and events, its calls and subscriptions, its
 * {@code run()} thread. The role's channels are served on both paths of {@code schemas/TOPICS.md}:
 * the role's channel topics in its consumer group (calls by relationship) and the node's mailbox
 * under tag {@code role/channel} (calls to this instance).
 */
final class Deployment {

  private static final Logger LOG = LoggerFactory.getLogger(Role.class);
  /** Attribute of a call: the calling role instance, {@code node/role}. */
  static final String CALLER_ATTRIBUTE = "roles.caller";

  final RoleNode roleNode;
  final String name;
  final Role role;
  final RoleInstanceId instanceId;
  final RoleCalls calls;
  final RoleSubscriptions subscriptions;
  volatile RoleStatus status = RoleStatus.STARTING;
  private final List<Disposable> serving = new ArrayList<>();
  private Bindings bindings;
  private Thread runner;

  Deployment(RoleNode roleNode, String name, Role role) {
    this.roleNode = roleNode;
    this.name = name;
    this.role = role;
    this.instanceId = new RoleInstanceId(roleNode.id(), name);
    this.calls = new RoleCalls(this);
    this.subscriptions = new RoleSubscriptions(this);
  }

  /** The mailbox tag of a channel of a role: {@code role/channel}. */
  static String mailboxTag(String role, String channel) {
    return role + "/" + channel;
  }

  void start() {
    synchronized (role) {
      if (role.deployment != null) {
        throw new IllegalStateException(role.getClass().getSimpleName() + " is deployed already, as "
            + role.deployment.instanceId + ".");
      }
      role.deployment = this;
    }
    bindings = Bindings.of(role.getClass());
    for (Map.Entry<String, Field> e : bindings.events.entrySet()) {
      try {
        Event ev = (Event) e.getValue().get(role);
        if (ev == null) {
          throw new IllegalArgumentException("Event field '" + e.getKey() + "' of " + role.getClass().getSimpleName()
              + " is null; declare it as 'final Event " + e.getKey() + " = new Event();'.");
        }
        ev.bind(this, e.getKey());
      } catch (IllegalAccessException ex) {
        throw new IllegalArgumentException("Cannot read event field " + e.getValue() + ": " + ex, ex);
      }
    }
    subscriptions.startAutomatic(bindings.handlers);
    status = RoleStatus.READY;
    if (!bindings.channels.isEmpty()) {
      Map<String, Function<Message, Mono<Message>>> byChannel = new HashMap<>();
      for (Bindings.Channel c : bindings.channels.values()) {
        Function<Message, Mono<Message>> h = m -> handle(c, m);
        byChannel.put(c.name(), h);
        serving.add(roleNode.node.serve(mailboxTag(name, c.name()), h, ServeOptions.pollThread()));
      }
      serving.add(roleNode.node.serveChannels(name, byChannel));
    }
    if (role instanceof Runnable r) {
      runner = new Thread(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          if (status == RoleStatus.READY) {
            LOG.error("role {}: run() failed: {}", instanceId, e.toString(), e);
          }
        }
      }, "role-" + instanceId);
      runner.setDaemon(true);
      runner.start();
    }
    LOG.info("role {} READY: channels {}, events {}, automatic subscriptions {}", instanceId,
        bindings.channels.keySet(), bindings.events.keySet(), bindings.handlers.size());
  }

  /** Runs a handler on the worker pool; a task reports progress to its caller while it runs. */
  private Mono<Message> handle(Bindings.Channel c, Message m) {
    if (status != RoleStatus.READY) {
      return Mono.error(new NodeException(io.fedstream.node.ErrorCode.UNAVAILABLE, "role " + instanceId + " is " + status));
    }
    RoleInstanceId caller = callerOf(m);
    Mono<Message> work = Mono.fromCallable(() -> {
      Object result = c.invoke(role, caller, Args.from(m.args()), Payloads.from(m.payloads()));
      Message.Builder b = Message.builder().tag(c.name());
      if (result instanceof Payloads p) {
        p.asList().forEach(b::payload);
      } else if (result != null) {
        b.arg("result", result);
      }
      return b.build();
    }).subscribeOn(roleNode.workers);
    if (!c.task()) {
      return work;
    }
    String to = m.replyTo().orElse(m.source());
    Message beat = Message.builder().to(to).tag(RoleNode.PROGRESS_TAG).arg("call", m.id()).arg("role", name)
        .arg("channel", c.name()).build();
    Disposable ticker = Flux.interval(Duration.ZERO, roleNode.settings.progressInterval())
        .concatMap(i -> roleNode.node.send(beat.toBuilder().id(null).build()).onErrorResume(e -> Mono.empty()))
        .subscribe();
    return work.doFinally(s -> ticker.dispose());
  }

  private RoleInstanceId callerOf(Message m) {
    String c = m.attributes().get(CALLER_ATTRIBUTE);
    try {
      return c != null ? RoleInstanceId.of(c) : new RoleInstanceId(m.source(), "unknown");
    } catch (IllegalArgumentException e) {
      return new RoleInstanceId(m.source() == null ? "unknown" : m.source(), "unknown");
    }
  }

  void emit(String channel, Args args, Payloads payloads) {
    if (status != RoleStatus.READY) {
      throw new IllegalStateException("Role " + instanceId + " is " + status + ": events can be emitted only when it"
          + " is READY (in handlers, event handlers and run()).");
    }
    Message.Builder b = Message.builder().tag(channel).args(args.asMap());
    payloads.asList().forEach(b::payload);
    roleNode.node.emit(name, roleNode.id(), channel, b.build()).block(roleNode.settings.serviceDeadline());
  }

  /** Invokes an event handler method (automatic subscriptions). */
  void invokeHandler(java.lang.reflect.Method method, RoleInstanceId source, Args args, Payloads payloads) {
    try {
      method.invoke(role, source, args, payloads);
    } catch (java.lang.reflect.InvocationTargetException e) {
      LOG.warn("role {}: event handler {} failed on an event of {}: {}", instanceId, method.getName(), source,
          String.valueOf(e.getCause()));
    } catch (IllegalAccessException e) {
      LOG.warn("role {}: cannot invoke {}: {}", instanceId, method, e.toString());
    }
  }

  void stop() {
    if (status == RoleStatus.TERMINATED) {
      return;
    }
    status = RoleStatus.STOPPING;
    serving.forEach(Disposable::dispose);
    serving.clear();
    subscriptions.stopAll();
    Thread t = runner;
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    status = RoleStatus.TERMINATED;
    LOG.info("role {} TERMINATED", instanceId);
  }
}
