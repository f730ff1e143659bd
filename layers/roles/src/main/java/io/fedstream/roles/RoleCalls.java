package io.fedstream.roles;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Gathered;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The calls of one role: resolving the target (relationship, instance, local fallback), choosing
 * the path ({@code schemas/TOPICS.md}, "Role calls"), the progress-based deadline of tasks, and the
 * mapping of coded errors to {@link CallerError} and {@link HandlerError}.
 */
final class RoleCalls {

  /** Where one call goes: a role's channel topic, or an instance's mailbox. */
  private record Route(String role, RoleInstanceId instance) {
  }

  private final Deployment from;

  RoleCalls(Deployment from) {
    this.from = from;
  }

  private Route route(Target t) {
    if (t.instance() != null) {
      return new Route(null, t.instance());
    }
    Set<RoleInstanceId> ids = from.roleNode.relationship(t.relationship());
    if (ids.isEmpty()) {
      return new Route(null, localFallback(t.relationship()));
    }
    Set<String> roles = new HashSet<>();
    ids.forEach(i -> roles.add(i.role()));
    if (roles.size() == 1) {
      return new Route(roles.iterator().next(), null);
    }
    List<RoleInstanceId> list = new ArrayList<>(ids);
    return new Route(null, list.get(ThreadLocalRandom.current().nextInt(list.size())));
  }

  private RoleInstanceId localFallback(String relationship) {
    if (!from.roleNode.hasRole(relationship)) {
      throw new NodeException.NotFoundException("relationship '" + relationship + "' of node '" + from.roleNode.id()
          + "' is empty and no role named '" + relationship + "' is deployed on it");
    }
    return new RoleInstanceId(from.roleNode.id(), relationship);
  }

  private Message request(String channel, Args args, Payloads payloads) {
    Message.Builder b = Message.builder().tag(channel).args((args == null ? Args.empty() : args).asMap())
        .attribute(Deployment.CALLER_ATTRIBUTE, from.instanceId.toString());
    (payloads == null ? Payloads.empty() : payloads).asList().forEach(b::payload);
    return b.build();
  }

  private Mono<Message> send(Route r, String channel, Message m, Duration deadline) {
    if (r.instance() != null) {
      Message toInstance = m.toBuilder().to(r.instance().node())
          .tag(Deployment.mailboxTag(r.instance().role(), channel)).build();
      return from.roleNode.node.request(toInstance, deadline);
    }
    return from.roleNode.node.requestChannel(r.role(), channel, m, deadline);
  }

  Object call(Target t, String channel, Args args, Payloads payloads) {
    String c = Names.of(channel);
    Route r = route(t);
    Message m = request(c, args, payloads);
    return outcome(send(r, c, m, from.roleNode.settings.serviceDeadline())).block();
  }

  TaskCall callTask(Target t, String channel, Args args, Payloads payloads) {
    String c = Names.of(channel);
    Route r = route(t);
    Message m = request(c, args, payloads);
    RoleNode rn = from.roleNode;
    Sinks.Many<Boolean> beats = rn.progressOf(m.id());
    Duration silence = rn.settings.taskSilence();
    Mono<Object> task = Flux.merge(send(r, c, m, rn.settings.taskLimit()).map(Optional::of).flux(),
            beats.asFlux().map(b -> Optional.<Message>empty()))
        .timeout(silence, Flux.error(() -> new NodeException.DeadlineExceededException("task '" + c + "' of " + t
            + ": no progress reported for " + silence.toMillis() + " ms")))
        .filter(Optional::isPresent)
        .next()
        .map(Optional::get)
        .transform(RoleCalls::outcome)
        .doFinally(s -> rn.forgetProgress(m.id()))
        .cache();
    task.subscribe(null, e -> { });
    return new TaskCall(m.id(), task);
  }

  GroupResult callGroup(String relationship, String channel, Args args, GatherPolicy policy) {
    String c = Names.of(channel);
    Set<RoleInstanceId> ids = from.roleNode.relationship(relationship);
    if (ids.isEmpty()) {
      ids = Set.of(localFallback(relationship));
    }
    Map<String, RoleInstanceId> byNode = new LinkedHashMap<>();
    List<Message> requests = new ArrayList<>();
    Message m = request(c, args, Payloads.empty());
    for (RoleInstanceId i : ids) {
      if (byNode.put(i.node(), i) != null) {
        throw new IllegalArgumentException("callGroup: relationship '" + relationship + "' holds two instances on node '"
            + i.node() + "'; a group call sends one request per node.");
      }
      requests.add(m.toBuilder().id(null).to(i.node()).tag(Deployment.mailboxTag(i.role(), c)).build());
    }
    GatherPolicy p = policy.deadline().isPresent() ? policy : policy.withDeadline(from.roleNode.settings.serviceDeadline());
    Gathered g = from.roleNode.node.scatter(requests, p).block();
    Map<RoleInstanceId, Object> results = new LinkedHashMap<>();
    Map<RoleInstanceId, RuntimeException> failures = new HashMap<>();
    for (Message reply : g.replies()) {
      RoleInstanceId i = byNode.get(reply.source());
      if (i == null) {
        continue;
      }
      if (reply.error().isPresent()) {
        failures.put(i, error(reply.error().get().toException()));
      } else {
        results.put(i, result(reply));
      }
    }
    g.failures().forEach((node, e) -> {
      RoleInstanceId i = byNode.get(node);
      if (i != null) {
        failures.put(i, error(e));
      }
    });
    Set<RoleInstanceId> missing = new HashSet<>();
    g.missing().forEach(node -> {
      if (byNode.containsKey(node)) {
        missing.add(byNode.get(node));
      }
    });
    return new GroupResult(results, failures, missing, g.complete());
  }

  private static Mono<Object> outcome(Mono<Message> reply) {
    return reply.<Object>handle((m, sink) -> {
      Object r = result(m);
      if (r != null) {
        sink.next(r);
      }
    }).onErrorMap(RoleCalls::error);
  }

  /** A reply's result: its {@code result} arg, else its payloads, else null (as an empty Mono). */
  private static Object result(Message reply) {
    if (reply.args().containsKey("result")) {
      return reply.arg("result");
    }
    return reply.payloads().isEmpty() ? null : Payloads.from(reply.payloads());
  }

  static RuntimeException error(Throwable e) {
    if (e instanceof NodeException n) {
      if (n.errorCode() == ErrorCode.CALLER) {
        return new CallerError(n.reason());
      }
      if (n.errorCode() == ErrorCode.HANDLER) {
        return new HandlerError(n.reason());
      }
      return n;
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e);
  }
}
