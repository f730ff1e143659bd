package io.fedstream.node;

import io.fedstream.node.internal.NodeHostImpl;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A node: a mailbox on the namespace's shared mailbox topic, membership of groups, presence, and
 * the messaging primitives as {@link Mono}/{@link Flux}. A standalone node ({@link
 * #create(NodeConfig)}) is a {@link NodeHost} serving one node; many nodes can share one host.
 *
 * <p>Nothing happens until {@link #start()}. Every I/O method is lazy (it acts on subscription)
 * except {@link #isend(Message)}. Failures arrive as {@link NodeException}s through {@code
 * onError}; argument checks throw {@link IllegalArgumentException} at once.
 *
 * <p>Delivery: at least once from Kafka, at most once to your code per message id (the host
 * remembers {@link NodeConfig#DEDUP_CAPACITY} recent ids, across restarts with {@link
 * NodeConfig#STATE_DIR}); messages from one sender to one node arrive in the order sent; a
 * restarted node receives what was sent while it was down.
 */
public interface Node extends AutoCloseable {

  /**
   * A standalone node from a config with {@link NodeConfig#NODE_ID} set.
   *
   * @throws IllegalArgumentException if the node id is missing
   */
  static Node create(NodeConfig config) {
    return NodeHostImpl.standalone(config);
  }

  /**
   * A standalone node from a spec: the spec gives the id, groups, roles, relationships and
   * interceptors ({@link NodeConfig#NODE_ID} and {@link NodeConfig#GROUPS} are ignored); the host
   * id is {@link NodeConfig#HOST_ID}, else the node id.
   */
  static Node create(NodeConfig config, NodeSpec spec) {
    return NodeHostImpl.standalone(config, spec);
  }

  /** This node's id. */
  String id();

  /** The namespace (federation) it belongs to. */
  String namespace();

  /** The groups it belongs to. */
  Set<String> groups();

  /** What this node is now: its spec, with the relationships as last changed. */
  NodeSpec spec();

  /**
   * Replaces the node's relationships. The change applies at once; a heartbeat carrying it goes
   * out at once (if the node has started), so every host sees it within a round trip. The Mono
   * completes when that heartbeat is acknowledged (subscribing is optional); it fails with {@link
   * ErrorCode#UNAVAILABLE} if the heartbeat cannot be written (the next one retries).
   *
   * @param relationships relationship name to role instance ids
   * @throws IllegalArgumentException if a name or id is blank
   */
  Mono<Void> updateRelationships(Map<String, ? extends Collection<String>> relationships);

  /** Adds one role instance to a relationship; as {@link #updateRelationships(Map)}. */
  Mono<Void> addRelationship(String name, String instanceId);

  /** Removes one role instance from a relationship (the name goes when it has none left); as {@link #updateRelationships(Map)}. */
  Mono<Void> removeRelationship(String name, String instanceId);

  /**
   * What an alive node of the namespace announced in its last heartbeat (groups, roles,
   * relationships), or empty if it is not alive. Its changes arrive as {@link
   * PresenceEvent.Type#UPDATED} events on {@link #presence()}.
   */
  Optional<MemberInfo> memberInfo(String nodeId);

  /** Every alive node of the namespace with what it announced. */
  List<MemberInfo> memberInfos();

  /**
   * Starts the node (for a standalone node: its host): creates missing topics, positions the
   * consumer, sends the first heartbeat. Completes when the node can receive. Idempotent.
   * Fails with {@link ErrorCode#UNAVAILABLE} when Kafka or the registry cannot be reached.
   */
  Mono<Void> start();

  /**
   * Sends a one-way message to {@link Message.Builder#to(String) its destination}. Completes
   * when the broker has acknowledged every record (all chunks, for large payloads).
   */
  Mono<Void> send(Message message);

  /**
   * Starts sending at once and returns a handle with the ids; see {@link Tracked}. Replies to a
   * task sent this way arrive through {@link #receiveById(String)}.
   */
  Tracked isend(Message message);

  /**
   * The messages that reach this node and no one else claimed (a pending request, a {@link
   * #receiveById} subscriber, a {@link #serve} handler). Routed events, triggers and the router's
   * answers to subscriptions and registrations are never here: they belong to the Flux of {@link
   * #subscribe} or {@link #register} (the messages a registration gathers do arrive here as
   * usual). Backpressured: when the subscriber is
   * slow, at most {@link NodeConfig#RECEIVE_BUFFER} messages per partition wait in memory and the
   * host pauses fetching. One subscriber at a time; a second fails with {@link
   * IllegalStateException}. A message counts as processed (for commits and deduplication) once
   * the subscriber's {@code onNext} returned.
   */
  Flux<Message> receive();

  /**
   * The messages of one session, in arrival order, including those that arrived earlier and are
   * waiting in the receive buffer. Never completes by itself: take what you need.
   */
  Flux<Message> receiveById(String sessionId);

  /** {@link #request(Message, Duration)} with the config's default deadline. */
  Mono<Message> request(Message message);

  /**
   * Sends a request and emits its reply. Fails with {@link NodeException.NotFoundException} when
   * the destination is not alive (after waiting for it up to the liveness timeout or the
   * deadline), {@link NodeException.DeadlineExceededException} when no reply arrives in time
   * (a late reply is dropped and logged), or the reply's own error ({@link
   * NodeException.CallerException}, {@link NodeException.HandlerException}, ...).
   *
   * <p>The reply is emitted on the host's poll thread, to save a thread hop: keep the operators
   * that follow short and non-blocking, or move on with {@code publishOn} ({@code block()} there
   * fails at once rather than stall the host).
   *
   * @param message the request, with a destination
   * @param deadline how long to wait for the reply
   */
  Mono<Message> request(Message message, Duration deadline);

  /**
   * Replies to a request: {@code reply}'s tag, args and payloads go to the request's reply-to
   * node, under the request's session, marked as its reply.
   */
  Mono<Void> reply(Message request, Message reply);

  /** Replies to a request with an error (the caller's {@code request} fails with it). */
  Mono<Void> replyError(Message request, ErrorCode code, String reason);

  /**
   * Handles every message with this tag in its caller's lane ({@link ServeOptions#workers()}):
   * {@link #serve(String, Function, ServeOptions)}.
   *
   * @throws IllegalStateException if the tag already has a handler
   */
  Disposable serve(String tag, Function<Message, Mono<Message>> handler);

  /**
   * Handles every message with this tag: requests get the handler's message as their reply (an
   * empty Mono replies with no content; a {@link NodeException} replies with its code; any other
   * exception, thrown or signalled, replies {@link ErrorCode#HANDLER}); other messages just run
   * the handler. Where it runs is chosen by {@code options}: by default in its caller's lane (on
   * the host's bounded handler pool, or on the poll thread, which hands polling on after 1 ms),
   * where it may block; messages from one caller reach it one at a time in arrival
   * order and their replies go out in that order, while messages from different callers run
   * concurrently (so the handler must be thread-safe). {@link ServeOptions#pollThread()} runs it
   * on the poll thread in arrival order, for handlers that never block. Dispose the result to stop.
   *
   * @throws IllegalStateException if the tag already has a handler
   */
  Disposable serve(String tag, Function<Message, Mono<Message>> handler, ServeOptions options);

  /**
   * Sends different requests to several nodes and gathers the replies under a policy.
   *
   * @param requests one request per destination, each with a destination
   * @param policy release and failure policy
   * @return the gathered replies; fails only under {@link GatherPolicy.OnFailure#FAIL_FAST}
   */
  Mono<Gathered> scatter(List<Message> requests, GatherPolicy policy);

  /**
   * Writes one record to a group's broadcast topic; every member (except this node) reads it.
   * Completes on the broker's acknowledgement.
   */
  Mono<Void> broadcast(String group, Message message);

  /**
   * Broadcasts a request to a group and gathers the members' replies. The expected peers are the
   * group's alive members (except this node) when the call is made; a fraction in the policy is
   * a fraction of them.
   */
  Mono<Gathered> broadcast(String group, Message request, GatherPolicy policy);

  /**
   * Emits an event on a role's event channel as this node's instance of the role: {@link
   * #emit(String, String, String, Message)} with the node id as the instance.
   */
  Mono<Void> emit(String role, String channel, Message event);

  /**
   * Emits an event: an {@code EVENT} envelope on the role's event topic ({@code <ns>.events.<role>},
   * created on demand), keyed by the instance id, with the channel as its tag. The event's args and
   * payloads travel as given; the router delivers it to every subscription it matches ({@link
   * #subscribe(EventSubscription)}). Completes on the broker's acknowledgement.
   *
   * @param role the emitting role (underscores become hyphens); {@code presence} is reserved
   * @param instance the role instance id subscribers name in {@link EventSubscription#instances}
   * @param channel the event channel (underscores become hyphens)
   * @param event the event; its destination is ignored
   * @throws IllegalArgumentException if a name is invalid, the instance is blank or the role is
   *     {@code presence}
   */
  Mono<Void> emit(String role, String instance, String channel, Message event);

  /**
   * Subscribes to events through the router. On subscription it writes a subscription record
   * (a fresh id) to {@code <ns>.subscriptions}; the router then delivers each matching event to
   * this node's mailbox, and this Flux emits it (the event as emitted: same id, args, payloads;
   * attributes {@code fedstream.subscriptions}, {@code fedstream.instance}, {@code fedstream.role}).
   * Routed events go only to their subscription's Flux, never to {@link #receive()}; an event
   * for a subscription that has no Flux any more (cancelled, or from an earlier process) is dropped.
   *
   * <p>{@link EventSubscription.Mode#ONCE ONCE} completes after the first event. Cancelling (or
   * closing the node) writes a tombstone, which unsubscribes. The subscription is live once the
   * router has read it, shortly after the record is written: events emitted before that are not
   * delivered. Fails with {@link NodeException.InvalidConditionException} when the router rejects a
   * condition, {@link NodeException.RejectedException} when it rejects the subscription otherwise,
   * {@link ErrorCode#UNAVAILABLE} when the record cannot be written. Events are emitted on the
   * host's delivery threads; a slow subscriber holds back the mailbox partition like {@code receive()}.
   *
   * @param subscription what to listen to
   * @return the matching events; hot once subscribed, one record per subscribe call
   */
  Flux<Message> subscribe(EventSubscription subscription);

  /**
   * {@link #subscribe(EventSubscription)}, and tells when the subscription is live: the router
   * acknowledges each subscription it accepted (a {@code REPLY} from {@code fedstream-router}, tag
   * {@code fedstream.subscribe}, {@code inReplyTo} = the subscription id, no error) once the task
   * that routes the channel has applied it, and {@code onLive} then runs, once, on the host's poll
   * thread (keep it short; it must not block). Every matching event emitted after {@code onLive}
   * ran reaches this Flux. A rejection fails the Flux and {@code onLive} never runs.
   *
   * @param subscription what to listen to
   * @param onLive runs when the router has acknowledged the subscription
   * @return the matching events, as {@link #subscribe(EventSubscription)}
   */
  Flux<Message> subscribe(EventSubscription subscription, Runnable onLive);

  /**
   * Serves channels of a role as one instance of it: reads each channel's topic
   * {@code <ns>.channel.<role>.<channel>} (created on demand) in the consumer group
   * {@code <ns>.role.<role>}, so that every instance of the role shares the calls (Kafka's own load
   * balancing; at most as many instances get work as the topics have partitions, 6 by the
   * contract). A {@code REQUEST} goes to its channel's handler, and the handler's message is the
   * reply to the caller's mailbox (as with {@link #serve}: an empty Mono replies with no content, a
   * {@link NodeException} replies with its code, any other exception with {@link
   * ErrorCode#HANDLER}). A request past its deadline is dropped. The handler is invoked on the
   * role's own consumer thread: put blocking work in the returned Mono ({@code subscribeOn});
   * handlers that do so run concurrently (at most 64 calls in flight per role instance, then the
   * consumer pauses). A call is handled at least once: a record whose handler had not finished
   * when its partition moved to another instance is handled there again. Dispose the result to
   * stop (the consumer leaves the group; its partitions go to the other instances).
   *
   * @param role the role (underscores become hyphens)
   * @param handlers channel name (underscores become hyphens) to handler; not empty
   * @return a handle that stops serving
   * @throws IllegalArgumentException if a name is invalid or there is no handler
   */
  Disposable serveChannels(String role, java.util.Map<String, Function<Message, Mono<Message>>> handlers);

  /**
   * Sends a request to any instance of a role: a {@code REQUEST} on the channel topic
   * {@code <ns>.channel.<role>.<channel>}, keyed by the request's id (so that calls spread over the
   * partitions, hence over the instances), with this node as reply-to. Emits the reply, or fails
   * as {@link #request(Message, Duration)} does, except that no instance being alive shows only as
   * {@link NodeException.DeadlineExceededException} (the request waits in the topic until an
   * instance reads it or its deadline passes). Payloads above {@link NodeConfig#CHUNK_SIZE} are
   * refused: send those to a named node with {@link #request(Message, Duration)}.
   *
   * @param role the role (underscores become hyphens)
   * @param channel the channel (underscores become hyphens); the request's tag
   * @param request the request; its destination is ignored
   * @param deadline how long to wait for the reply
   * @throws IllegalArgumentException if a name is invalid, the deadline not positive or a payload
   *     too large
   */
  Mono<Message> requestChannel(String role, String channel, Message request, Duration deadline);

  /**
   * Registers a conditional event in the router's register table (MARO). On subscription it
   * writes a {@code ConditionalEvent} (a fresh registration id) to {@code <ns>.conditional-events};
   * the router counts the messages sent to this node and, each time the expression is met, sends a
   * trigger carrying the gathered messages, which this Flux emits. The gathered messages still
   * reach {@link #receive()} (and {@code serve} handlers) as usual; triggers never do. Cancelling
   * (or closing the node) writes a tombstone, which removes the registration and what it gathered.
   *
   * @param expression unit events {@code source:tag:amount} ({@code amount} N or N%, {@code *} for
   *     any source or tag, sources matched by longest prefix) joined by {@code AND}, {@code OR} and
   *     parentheses, e.g. {@code "(w:update:2 AND m:update:1) OR s:*:50%"}
   * @param handlerId the handler the registration is bound to; the trigger's tag
   * @return the triggers; fails with {@link NodeException.InvalidConditionException} when the
   *     expression does not parse (checked here with the router's own grammar, before anything is
   *     written, and by the router), {@link ErrorCode#UNAVAILABLE} when the record cannot be
   *     written
   * @throws IllegalArgumentException if the expression or handler id is blank
   */
  Flux<Trigger> register(String expression, String handlerId);

  /**
   * Join, leave and update events of every node of the namespace. The current members come first
   * as JOINED; no change after them is missed or repeated (the snapshot and the subscription to
   * changes are taken at once). Hot: changes before the subscription are not replayed. Changes
   * wait in the subscription's buffer while its subscriber does not keep up.
   */
  Flux<PresenceEvent> presence();

  /** Alive members of a group now (this node included if it is a member). */
  Set<String> members(String group);

  /**
   * Waits until at least {@code n} members of the group are alive; emits them. Fails with {@link
   * NodeException.DeadlineExceededException} after the deadline.
   */
  Mono<Set<String>> awaitMembers(String group, int n, Duration deadline);

  /**
   * Closes the node: sends its leave, waits for in-flight sends, completes its receive streams.
   * A standalone node closes its host, leaving no thread behind.
   */
  @Override
  void close();
}
