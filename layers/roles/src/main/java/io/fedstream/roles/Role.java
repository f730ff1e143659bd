package io.fedstream.roles;

import io.fedstream.node.GatherPolicy;
import java.util.Map;

/**
 * A role: a class whose {@link Service} and {@link Task} methods are its service and task
 * channels, whose {@link Event} fields are its event channels, and whose {@link EventHandler}
 * methods subscribe to other roles' events by relationship. Deploy it with {@link
 * RoleNode#deploy(String, Role)}; a role that also implements {@link Runnable} has its {@code run()}
 * started on a thread of its own once it is {@link RoleStatus#READY}.
 *
 * <pre>{@code
 * class ServiceTaskProvider extends Role {
 *   @Service Object echo(RoleInstanceId caller, Args args, Payloads payloads) { return args.get("comment"); }
 *   @Task Object heavy_job(RoleInstanceId caller, Args args, Payloads payloads) throws Exception {
 *     Thread.sleep(5_000); return true; }
 * }
 * }</pre>
 *
 * <p>Calls block the calling thread (use them in {@code run()} or in handlers, which run on the
 * role node's worker pool); {@link #callTask} returns at once. The layer gives no thread-safety
 * promise beyond RoleML's: handlers of one role may run concurrently.
 */
public abstract class Role {

  volatile Deployment deployment;

  /** A role; deploy it with {@link RoleNode#deploy(String, Role)}. */
  protected Role() {
  }

  private Deployment d() {
    Deployment d = deployment;
    if (d == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " is not deployed: call RoleNode.deploy first.");
    }
    return d;
  }

  /** The role's name on its node (normalised). @throws IllegalStateException if not deployed */
  public final String name() {
    return d().name;
  }

  /** This role instance, {@code node/role}. @throws IllegalStateException if not deployed */
  public final RoleInstanceId instanceId() {
    return d().instanceId;
  }

  /** The role's status; {@link RoleStatus#STARTING} until deployed. */
  public final RoleStatus status() {
    Deployment d = deployment;
    return d == null ? RoleStatus.STARTING : d.status;
  }

  /** The role node it is deployed on. @throws IllegalStateException if not deployed */
  public final RoleNode roleNode() {
    return d().roleNode;
  }

  /**
   * Calls a service of any instance of a relationship (Kafka's consumer group picks the instance),
   * or, when the relationship is empty, of the role of that name on this node; blocks for the
   * result.
   *
   * @param relationship the relationship name (normalised by {@link Names})
   * @param channel the service channel (normalised)
   * @param args the args
   * @param payloads the payloads
   * @return the handler's result (JSON-like, or {@link Payloads}); null when it returned nothing
   * @throws CallerError if the handler blamed the caller
   * @throws HandlerError if the handler failed otherwise
   * @throws io.fedstream.node.NodeException.NotFoundException if the relationship is empty and no
   *     local role has its name
   * @throws io.fedstream.node.NodeException.DeadlineExceededException after the role node's
   *     service deadline (30 s by default)
   */
  public final Object call(String relationship, String channel, Args args, Payloads payloads) {
    return d().calls.call(Target.of(relationship), channel, args, payloads);
  }

  /** {@link #call(String, String, Args, Payloads)} without payloads. */
  public final Object call(String relationship, String channel, Args args) {
    return call(relationship, channel, args, Payloads.empty());
  }

  /**
   * Calls a service of a given role instance, through its node's mailbox; as {@link
   * #call(String, String, Args, Payloads)} otherwise.
   */
  public final Object call(RoleInstanceId instance, String channel, Args args, Payloads payloads) {
    return d().calls.call(Target.of(instance), channel, args, payloads);
  }

  /** {@link #call(RoleInstanceId, String, Args, Payloads)} without payloads. */
  public final Object call(RoleInstanceId instance, String channel, Args args) {
    return call(instance, channel, args, Payloads.empty());
  }

  /**
   * Calls a task of any instance of a relationship (or the local role of that name) and returns at
   * once. The task's deadline measures progress: the callee reports that it is alive every
   * progress interval while the handler runs, and the call fails only after a whole task silence
   * without a report (see {@link RoleNode.Settings}).
   *
   * @return the call in flight
   */
  public final TaskCall callTask(String relationship, String channel, Args args, Payloads payloads) {
    return d().calls.callTask(Target.of(relationship), channel, args, payloads);
  }

  /** {@link #callTask(String, String, Args, Payloads)} without payloads. */
  public final TaskCall callTask(String relationship, String channel, Args args) {
    return callTask(relationship, channel, args, Payloads.empty());
  }

  /** Calls a task of a given role instance; as {@link #callTask(String, String, Args, Payloads)}. */
  public final TaskCall callTask(RoleInstanceId instance, String channel, Args args, Payloads payloads) {
    return d().calls.callTask(Target.of(instance), channel, args, payloads);
  }

  /** {@link #callTask(RoleInstanceId, String, Args, Payloads)} without payloads. */
  public final TaskCall callTask(RoleInstanceId instance, String channel, Args args) {
    return callTask(instance, channel, args, Payloads.empty());
  }

  /**
   * Calls a service on every instance of a relationship (each through its node's mailbox) and
   * gathers the results under a policy (all, at least N, a fraction, a deadline; what to do with
   * failures). Blocks until the policy releases the gather.
   *
   * @param relationship the relationship (normalised); empty: the local role of that name
   * @param channel the service channel
   * @param args the args, the same for every instance
   * @param policy the gather policy; its deadline defaults to the service deadline
   * @return results, failures and missing instances
   * @throws IllegalArgumentException if two instances of the relationship are on one node
   */
  public final GroupResult callGroup(String relationship, String channel, Args args, GatherPolicy policy) {
    return d().calls.callGroup(Names.of(relationship), channel, args, policy);
  }

  /**
   * Subscribes to an event channel of one role instance and blocks until the subscription is live
   * (the router acknowledged it): every matching event emitted after this returns is delivered.
   *
   * @param source the emitting role instance
   * @param channel its event channel (normalised)
   * @param mode ONCE or FOREVER
   * @param conditions RoleML conditions on args ({@code key} or {@code key__op} to a literal)
   * @param listener the handler, run on the worker pool
   * @return the subscription; close it to unsubscribe
   * @throws IllegalArgumentException if a condition key or operator is invalid
   * @throws io.fedstream.node.NodeException.InvalidConditionException if the router rejects a condition
   */
  public final RoleSubscription subscribe(RoleInstanceId source, String channel, SubscriptionMode mode,
      Map<String, ?> conditions, EventListener listener) {
    return d().subscriptions.subscribe(source, Names.of(channel), mode, conditions, listener);
  }

  /** Unsubscribes: {@link RoleSubscription#close()}. */
  public final void unsubscribe(RoleSubscription subscription) {
    subscription.close();
  }
}
