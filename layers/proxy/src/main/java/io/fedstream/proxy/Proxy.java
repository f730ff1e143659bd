package io.fedstream.proxy;

import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Gathered;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * MARO's proxy: one component of a group ({@code master}, {@code worker}, ...) with the
 * communication primitives, over a FedStream {@link Node} (reach it with {@link #node()}).
 *
 * <p>Joining ({@link #join} or {@link Builder#join()}) starts the node as a member of the group
 * and of its component type's group ({@code <group>-<componentType>}), then waits until the
 * expected peers are alive, at most the join deadline (default 60 s), failing with {@link
 * NodeException.DeadlineExceededException} ({@code TIMEOUT}) instead of MARO's exit.
 *
 * <p>The blocking primitives ({@link #send}, {@link #scatter}, {@link #broadcast}, {@link
 * #receiveById}) wait at most the proxy's deadline (default: the node config's request timeout,
 * 30 s) and return what arrived by then; MARO waits without a deadline. Destinations must be
 * alive members of the group, else {@link NodeException.NotFoundException} ({@code NOT_FOUND}).
 * Thread-safe.
 *
 * <p>(This file is the layer's API on one page, each of the seed's primitives with its contract;
 * the work is done by {@code Inbox}, {@code Peers}, {@code Sessions} and {@code RegisterTable}.)
 */
public final class Proxy implements AutoCloseable {

  private final Node node;
  private final String group;
  private final String componentType;
  private final Duration deadline;
  private final Sessions sessions = new Sessions();
  private final Inbox inbox;
  private final Peers peers;

  private Proxy(Node node, String group, String componentType, Duration deadline) {
    this.node = node;
    this.group = group;
    this.componentType = componentType;
    this.deadline = deadline;
    this.inbox = new Inbox(this, sessions);
    this.peers = new Peers(node, group);
  }

  /** Joins with the defaults of {@link Builder}. */
  public static Proxy join(NodeConfig config, String group, String componentType, Map<String, Integer> expectedPeers) {
    return builder(config).group(group).componentType(componentType).expectedPeers(expectedPeers).join();
  }

  /** A builder over a node config (bootstrap, registry, namespace; its node id and groups are replaced). */
  public static Builder builder(NodeConfig config) {
    return new Builder(config);
  }

  /** The group name given at construction (normalised: underscores become hyphens). */
  public String group() {
    return group;
  }

  /** This proxy's component type. */
  public String componentType() {
    return componentType;
  }

  /** This proxy's name: its node id, the {@code source} of what it sends. */
  public String name() {
    return node.id();
  }

  /** The node underneath, for anything the proxy does not cover. */
  public Node node() {
    return node;
  }

  /** The deadline of the blocking primitives. */
  public Duration deadline() {
    return deadline;
  }

  // ---- peers

  /** The alive peers of a component type now (this proxy excluded), sorted. */
  public List<String> peers(String componentType) {
    return peers.of(componentType);
  }

  /** The alive peers now by component type (this proxy excluded). */
  public Map<String, List<String>> peers() {
    return peers.all();
  }

  /** Peers of the group joining and leaving from now on (hot). */
  public Flux<PeerEvent> peerEvents() {
    return peers.events();
  }

  private void requirePeer(String destination) {
    if (destination == null || destination.isBlank()) {
      throw new IllegalArgumentException("The message has no destination; name a peer (see peers()).");
    }
    if (!peers.isPeer(destination)) {
      throw new NodeException.NotFoundException("unknown peer '" + destination + "': not an alive member of group '"
          + group + "'; peers: " + peers());
    }
  }

  private Message outgoing(Message m) {
    Objects.requireNonNull(m, "message");
    return m.source() == null || !m.source().equals(name()) ? m.copy(name(), m.destination(), m.sessionId(),
        m.attachments()) : m;
  }

  // ---- primitives

  /** {@link #send(Message, Duration)} with the proxy's deadline. */
  public List<Message> send(Message message) {
    return send(message, deadline);
  }

  /**
   * Unicast, blocking. A TASK is sent as a request and the reply is returned (a one-element
   * list); a NOTIFICATION returns an empty list once the broker acknowledged it.
   *
   * @throws NodeException.NotFoundException if the destination is not a peer
   * @throws NodeException.DeadlineExceededException if a TASK gets no reply in time
   * @throws NodeException the reply's coded error, or the send's
   */
  public List<Message> send(Message message, Duration deadline) {
    Message m = outgoing(message);
    requirePeer(m.destination());
    if (m.sessionType() == SessionType.TASK) {
      sessions.stage(m.sessionId(), SessionType.TASK, SessionStage.REQUEST, Instant.now(), name());
      io.fedstream.node.Message reply = node.request(Convert.toNode(m).build(), deadline).block();
      return List.of(result(reply));
    }
    node.send(Convert.toNode(m).build()).block();
    sessions.stage(m.sessionId(), SessionType.NOTIFICATION, SessionStage.SENT, Instant.now(), name());
    return List.of();
  }

  private Message result(io.fedstream.node.Message reply) {
    Message r = Convert.fromNode(reply);
    Convert.workingSince(reply).ifPresent(t -> sessions.stage(r.sessionId(), SessionType.TASK, SessionStage.WORKING,
        t, r.source()));
    sessions.stage(r.sessionId(), SessionType.TASK, SessionStage.RESULT, Instant.now(), r.source());
    return r;
  }

  /**
   * Unicast, non-blocking: sends at once and returns the session id (a one-element list) for
   * {@link #receiveById}. A TASK's reply is kept for {@code receiveById}, never given to
   * {@link #receive()}.
   *
   * @throws NodeException.NotFoundException if the destination is not a peer
   */
  public List<String> isend(Message message) {
    Message m = outgoing(message);
    requirePeer(m.destination());
    return List.of(isendChecked(m));
  }

  private String isendChecked(Message m) {
    if (m.sessionType() == SessionType.TASK) {
      inbox.opened(m.sessionId(), 1);
      sessions.stage(m.sessionId(), SessionType.TASK, SessionStage.REQUEST, Instant.now(), name());
      node.isend(Convert.toNode(m).build());
    } else {
      node.isend(Convert.toNode(m).build()).acked().subscribe(null, e -> Inbox.LOG.warn("proxy {}: {} not sent: {}",
          name(), m, e.toString()), () -> sessions.stage(m.sessionId(), SessionType.NOTIFICATION, SessionStage.SENT,
          Instant.now(), name()));
    }
    return m.sessionId();
  }

  /** {@link #scatter(String, SessionType, List, Duration)} with the proxy's deadline. */
  public List<Message> scatter(String tag, SessionType sessionType, List<Map.Entry<String, ?>> destinationPayloads) {
    return scatter(tag, sessionType, destinationPayloads, deadline);
  }

  /**
   * One message per (destination, payload), blocking. TASK: gathers the replies (in arrival order)
   * until all came or the deadline passed, and returns those that came; NOTIFICATION: returns an
   * empty list once all were acknowledged.
   *
   * @throws NodeException.NotFoundException if a destination is not a peer (nothing is sent)
   */
  public List<Message> scatter(String tag, SessionType sessionType, List<Map.Entry<String, ?>> destinationPayloads,
      Duration deadline) {
    List<Message> ms = scattered(tag, sessionType, destinationPayloads);
    if (sessionType == SessionType.NOTIFICATION) {
      Flux.fromIterable(ms).flatMap(m -> node.send(Convert.toNode(m).build()).then(Mono.fromRunnable(() ->
          sessions.stage(m.sessionId(), SessionType.NOTIFICATION, SessionStage.SENT, Instant.now(), name()))))
          .then().block();
      return List.of();
    }
    ms.forEach(m -> sessions.stage(m.sessionId(), SessionType.TASK, SessionStage.REQUEST, Instant.now(), name()));
    Gathered g = node.scatter(ms.stream().map(m -> Convert.toNode(m).build()).toList(),
        GatherPolicy.all().withDeadline(deadline)).block();
    return replies(g);
  }

  /** Non-blocking {@link #scatter}: sends at once, returns one session id per message, in order. */
  public List<String> iscatter(String tag, SessionType sessionType, List<Map.Entry<String, ?>> destinationPayloads) {
    return scattered(tag, sessionType, destinationPayloads).stream().map(this::isendChecked).toList();
  }

  private List<Message> scattered(String tag, SessionType type, List<Map.Entry<String, ?>> destinationPayloads) {
    Objects.requireNonNull(type, "sessionType");
    List<Message> ms = new ArrayList<>();
    for (Map.Entry<String, ?> e : destinationPayloads) {
      requirePeer(e.getKey());
      ms.add(new SessionMessage(tag, name(), e.getKey(), e.getValue(), type));
    }
    return ms;
  }

  private List<Message> replies(Gathered g) {
    if (!g.missing().isEmpty() || !g.failures().isEmpty()) {
      Inbox.LOG.info("proxy {}: gathered {} replies; missing {}, failed {}", name(), g.replies().size(), g.missing(),
          g.failures().keySet());
    }
    return g.replies().stream().map(this::result).toList();
  }

  /** {@link #broadcast(String, String, SessionType, Object, Duration)} with the proxy's deadline. */
  public List<Message> broadcast(String componentType, String tag, SessionType sessionType, Object payload) {
    return broadcast(componentType, tag, sessionType, payload, deadline);
  }

  /**
   * Writes one record read by every peer of a component type, blocking. TASK: gathers the replies
   * of the peers alive at the call until all came or the deadline passed, returns those that came;
   * NOTIFICATION: returns an empty list once the broker acknowledged it.
   */
  public List<Message> broadcast(String componentType, String tag, SessionType sessionType, Object payload,
      Duration deadline) {
    SessionMessage m = new SessionMessage(tag, name(), null, payload, sessionType);
    String g = typeGroup(group, componentType);
    if (sessionType == SessionType.NOTIFICATION) {
      node.broadcast(g, Convert.toNode(m).build()).block();
      sessions.stage(m.sessionId(), SessionType.NOTIFICATION, SessionStage.SENT, Instant.now(), name());
      return List.of();
    }
    sessions.stage(m.sessionId(), SessionType.TASK, SessionStage.REQUEST, Instant.now(), name());
    return replies(node.broadcast(g, Convert.toNode(m).build(), GatherPolicy.all().withDeadline(deadline)).block());
  }

  /**
   * Non-blocking {@link #broadcast}: writes the record and returns its session id (a one-element
   * list); {@link #receiveById} then waits for one reply per peer alive at this call.
   */
  public List<String> ibroadcast(String componentType, String tag, SessionType sessionType, Object payload) {
    SessionMessage m = new SessionMessage(tag, name(), null, payload, sessionType);
    String g = typeGroup(group, componentType);
    if (sessionType == SessionType.TASK) {
      inbox.opened(m.sessionId(), peers(componentType).size());
      sessions.stage(m.sessionId(), SessionType.TASK, SessionStage.REQUEST, Instant.now(), name());
    }
    node.broadcast(g, Convert.toNode(m).build()).subscribe(null,
        e -> Inbox.LOG.warn("proxy {}: broadcast {} not sent: {}", name(), m, e.toString()),
        () -> {
          if (sessionType == SessionType.NOTIFICATION) {
            sessions.stage(m.sessionId(), SessionType.NOTIFICATION, SessionStage.SENT, Instant.now(), name());
          }
        });
    return List.of(m.sessionId());
  }

  /**
   * The messages reaching this proxy that nothing else takes (replies to sessions opened with
   * {@code isend}/{@code iscatter}/{@code ibroadcast} go to {@link #receiveById}, messages a
   * registration gathers go to its handler), as a blocking iteration that ends when the proxy
   * closes. One consumer at a time, shared with {@link #receiveFlux()}.
   */
  public Iterable<Message> receive() {
    return inbox.iterable();
  }

  /** {@link #receive()} as a Flux, emitted on a bounded-elastic thread; completes when the proxy closes. */
  public Flux<Message> receiveFlux() {
    return inbox.flux();
  }

  /** {@link #receiveById(Duration, String...)} with the proxy's deadline. */
  public List<Message> receiveById(String... sessionIds) {
    return receiveById(deadline, sessionIds);
  }

  /**
   * The replies of the given sessions, in arrival order: waits until every session has its replies
   * (one per message sent; one per peer alive at an {@code ibroadcast}) or the deadline passes,
   * and returns what came.
   */
  public List<Message> receiveById(Duration deadline, String... sessionIds) {
    try {
      return inbox.awaitReplies(List.of(sessionIds), deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException(io.fedstream.node.ErrorCode.CANCELLED, "interrupted while waiting for replies");
    }
  }

  /** Replies to a received message with its own tag. */
  public void reply(Message request, Object payload) {
    reply(request, request.tag(), payload);
  }

  /**
   * Replies to a received message: the reply goes to its sender, in its session, and completes a
   * TASK session (the sender sees WORKING, from when this proxy handed the request over, then
   * RESULT). Blocks until the broker acknowledged it.
   *
   * @throws IllegalArgumentException if the message was not received by this proxy
   */
  public void reply(Message request, String tag, Object payload) {
    io.fedstream.node.Message req = request.nodeMessage().orElseThrow(() -> new IllegalArgumentException(
        "Only a received message can be replied to; " + request + " was built here."));
    io.fedstream.node.Message.Builder b = io.fedstream.node.Message.builder().tag(tag);
    if (payload != null) {
      b.arg(Convert.PAYLOAD_ARG, payload);
    }
    session(request.sessionId()).flatMap(s -> s.stages().stream().filter(x -> x.stage() == SessionStage.WORKING)
        .findFirst()).ifPresent(w -> b.attribute(Convert.ATTR_WORKING_SINCE, Long.toString(w.at().toEpochMilli())));
    node.reply(req, b.build()).block();
    sessions.stage(request.sessionId(), request.sessionType(), SessionStage.RESULT, Instant.now(), name());
  }

  /** Called when a received message is handed to user code: a TASK is now being worked on. */
  void handedOver(Message m) {
    if (m.sessionType() == SessionType.TASK && m.nodeMessage().map(n -> !Convert.isReply(n)).orElse(false)) {
      sessions.stage(m.sessionId(), SessionType.TASK, SessionStage.WORKING, Instant.now(), name());
    }
  }

  // ---- sessions

  /** What this proxy knows of a session (one of the last 10,000 it took part in). */
  public Optional<Session> session(String sessionId) {
    return sessions.get(sessionId);
  }

  /** Every stage change this proxy records from now on, as the session's new snapshot (hot). */
  public Flux<Session> sessionChanges() {
    return sessions.changes();
  }

  // ---- the register table

  /**
   * A register table whose handlers get {@code that} as their first argument. Messages its
   * registrations gather go to their handlers, not to {@link #receive()}.
   */
  public <T> RegisterTable<T> registerTable(T that) {
    return new RegisterTable<>(this, that);
  }

  Inbox inbox() {
    return inbox;
  }

  /** Stops the register tables (draining their handlers), ends {@link #receive()}, closes the node. */
  @Override
  public void close() {
    for (RegisterTable<?> t : inbox.tables) {
      t.close();
    }
    inbox.close();
    peers.close();
    sessions.close();
    node.close();
  }

  @Override
  public String toString() {
    return "Proxy{" + name() + ", " + componentType + " of " + group + "}";
  }

  static String typeGroup(String group, String componentType) {
    return group.replace('_', '-') + "-" + componentType.replace('_', '-');
  }

  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]*");

  /** A group or component type name, as group names go: lower-case letters, digits, hyphens (underscores become hyphens). */
  static String requireName(String what, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " required.");
    }
    String n = name.replace('_', '-');
    if (!NAME.matcher(n).matches()) {
      throw new IllegalArgumentException(what + " '" + name + "' is not valid: use lower-case letters, digits and"
          + " hyphens (underscores become hyphens), starting with a letter or digit.");
    }
    return n;
  }

  /** Options of a proxy; {@link #join()} validates them and joins. */
  public static final class Builder {
    private final NodeConfig config;
    private String group;
    private String componentType;
    private Map<String, Integer> expectedPeers = Map.of();
    private String name;
    private Duration joinDeadline = Duration.ofSeconds(60);
    private Duration deadline;

    private Builder(NodeConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** The group all components of one job share, e.g. {@code "master-worker"}. Required. */
    public Builder group(String group) {
      this.group = group;
      return this;
    }

    /** This component's type, e.g. {@code "worker"}. Required. */
    public Builder componentType(String componentType) {
      this.componentType = componentType;
      return this;
    }

    /** Component type → how many peers of it to wait for, e.g. {@code Map.of("master", 1)}. Default none. */
    public Builder expectedPeers(Map<String, Integer> expectedPeers) {
      this.expectedPeers = Map.copyOf(expectedPeers);
      return this;
    }

    /** The node id; default {@code <componentType>.<8 hex digits>}. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** How long joining waits for the expected peers; default 60 s. */
    public Builder joinDeadline(Duration d) {
      this.joinDeadline = d;
      return this;
    }

    /** Deadline of the blocking primitives; default the config's request timeout (30 s). */
    public Builder deadline(Duration d) {
      this.deadline = d;
      return this;
    }

    /**
     * Starts the node and waits for the expected peers.
     *
     * @throws IllegalArgumentException if the group or type is missing or invalid, or a count is below 1
     * @throws NodeException.DeadlineExceededException if the peers are not all alive in time (the node is closed)
     * @throws NodeException with {@code UNAVAILABLE} if Kafka or the registry cannot be reached
     */
    public Proxy join() {
      String g = requireName("group", group);
      String t = requireName("component type", componentType);
      expectedPeers.forEach((type, n) -> {
        requireName("component type", type);
        if (n == null || n < 1) {
          throw new IllegalArgumentException("expected peers of '" + type + "' must be at least 1, was " + n);
        }
      });
      String id = name != null ? name : t + "." + java.util.UUID.randomUUID().toString().substring(0, 8);
      Node node = Node.create(config.toBuilder().nodeId(id).groups(g, typeGroup(g, t)).build());
      Duration d = deadline != null ? deadline : Duration.ofMillis(config.requestTimeoutMs());
      Proxy p = new Proxy(node, g, t, d);
      try {
        node.start().block();
        p.inbox.start();
        Instant end = Instant.now().plus(joinDeadline);
        for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(expectedPeers).entrySet()) {
          Duration left = Duration.between(Instant.now(), end);
          int self = typeGroup(g, e.getKey()).equals(typeGroup(g, t)) ? 1 : 0;
          node.awaitMembers(typeGroup(g, e.getKey()), e.getValue() + self,
              left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left).block();
        }
        return p;
      } catch (RuntimeException e) {
        p.close();
        throw e;
      }
    }
  }
}
