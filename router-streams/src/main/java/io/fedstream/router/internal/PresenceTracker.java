package io.fedstream.router.internal;

import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Liveness;
import io.fedstream.avro.LivenessState;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.avro.SessionType;
import io.fedstream.avro.Value;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Derives liveness from heartbeats. A heartbeat (record timestamp = when it was seen) makes a
 * node ALIVE; a wall-clock punctuation makes it SUSPECT after its own {@code timeoutMs} without a
 * heartbeat and GONE after {@code goneAfterTimeouts} times that. A {@code LEAVING} heartbeat or a
 * tombstone makes it GONE at once. Each state change is written to {@code <ns>.liveness}; a node
 * becoming ALIVE from unknown or GONE emits a {@code join} event and a node becoming GONE a
 * {@code leave} event, both on {@code <ns>.events.presence}.
 */
final class PresenceTracker extends Step<byte[]> {

  static final String STORE = "presence-state";
  static final int DEFAULT_TIMEOUT_MS = 10_000;

  /** What the tracker keeps per node. */
  record NodeState(LivenessState state, long lastHeartbeatAt, long changedAt, int timeoutMs,
      List<String> groups, List<String> roles) {

    byte[] bytes() {
      List<byte[]> strings = new ArrayList<>();
      int size = 1 + 8 + 8 + 4 + 8;
      for (List<String> l : List.of(groups, roles)) {
        for (String s : l) {
          byte[] b = s.getBytes(StandardCharsets.UTF_8);
          strings.add(b);
          size += 4 + b.length;
        }
      }
      ByteBuffer out = ByteBuffer.allocate(size).put((byte) state.ordinal()).putLong(lastHeartbeatAt)
          .putLong(changedAt).putInt(timeoutMs).putInt(groups.size()).putInt(roles.size());
      for (byte[] b : strings) {
        out.putInt(b.length).put(b);
      }
      return out.array();
    }

    static NodeState of(byte[] v) {
      ByteBuffer b = ByteBuffer.wrap(v);
      LivenessState st = LivenessState.values()[b.get()];
      long last = b.getLong();
      long changed = b.getLong();
      int timeout = b.getInt();
      int ng = b.getInt();
      int nr = b.getInt();
      List<String> g = new ArrayList<>();
      List<String> r = new ArrayList<>();
      for (int i = 0; i < ng + nr; i++) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        (i < ng ? g : r).add(new String(s, StandardCharsets.UTF_8));
      }
      return new NodeState(st, last, changed, timeout, g, r);
    }

    NodeState with(LivenessState s, long at) {
      return new NodeState(s, lastHeartbeatAt, at, timeoutMs, groups, roles);
    }
  }

  private KeyValueStore<String, byte[]> store;

  PresenceTracker(Settings settings) {
    super(settings);
  }

  @Override
  public void init(ProcessorContext<String, Out> context) {
    super.init(context);
    store = context.getStateStore(STORE);
    context.schedule(Duration.ofMillis(settings.presenceCheckIntervalMs()),
        PunctuationType.WALL_CLOCK_TIME, this::check);
  }

  @Override
  void handle(Record<String, byte[]> r) {
    String node = r.key();
    if (node == null) {
      if (r.value() != null) {
        deadLetter(r, ErrorCode.REJECTED, "a heartbeat needs its node id as key");
      }
      return;
    }
    if (r.value() == null) {
      gone(node, "left", r.timestamp());
      return;
    }
    Heartbeat hb;
    try {
      hb = settings.codec().decode(sourceTopic(), r.value(), Heartbeat.class);
    } catch (RuntimeException e) {
      rethrowIfRegistryDown(e);
      deadLetter(r, ErrorCode.DECODE, "cannot decode Heartbeat: " + reason(e));
      return;
    }
    if (hb.getStatus() == PresenceStatus.LEAVING) {
      gone(node, "left", r.timestamp());
      return;
    }
    byte[] prevBytes = store.get(node);
    NodeState prev = prevBytes == null ? null : NodeState.of(prevBytes);
    long seen = r.timestamp();
    if (prev != null && seen < prev.lastHeartbeatAt()) {
      return; // an older heartbeat than one already seen
    }
    int timeout = hb.getTimeoutMs() > 0 ? hb.getTimeoutMs() : DEFAULT_TIMEOUT_MS;
    List<String> groups = List.copyOf(hb.getGroups());
    List<String> roles = List.copyOf(hb.getRoles());
    boolean joined = prev == null || prev.state() == LivenessState.GONE;
    boolean changed = joined || prev.state() != LivenessState.ALIVE || !prev.groups().equals(groups);
    long changedAt = changed ? seen : prev.changedAt();
    NodeState now = new NodeState(LivenessState.ALIVE, seen, changedAt, timeout, groups, roles);
    store.put(node, now.bytes());
    if (changed) {
      writeLiveness(node, now, seen);
    }
    if (joined) {
      presenceEvent(node, now, RoutedRecords.JOIN_CHANNEL, "heartbeat", seen);
    }
  }

  private void gone(String node, String why, long at) {
    byte[] prevBytes = store.delete(node);
    if (prevBytes == null) {
      return;
    }
    NodeState gone = NodeState.of(prevBytes).with(LivenessState.GONE, at);
    writeLiveness(node, gone, at);
    presenceEvent(node, gone, RoutedRecords.LEAVE_CHANNEL, why, at);
  }

  private void check(long now) {
    List<KeyValue<String, NodeState>> all = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      it.forEachRemaining(kv -> all.add(KeyValue.pair(kv.key, NodeState.of(kv.value))));
    }
    for (KeyValue<String, NodeState> kv : all) {
      NodeState s = kv.value;
      long silent = now - s.lastHeartbeatAt();
      if (silent > (long) s.timeoutMs() * settings.goneAfterTimeouts()) {
        gone(kv.key, "timeout", now);
      } else if (silent > s.timeoutMs() && s.state() == LivenessState.ALIVE) {
        NodeState suspect = s.with(LivenessState.SUSPECT, now);
        store.put(kv.key, suspect.bytes());
        writeLiveness(kv.key, suspect, now);
      }
    }
  }

  private void writeLiveness(String node, NodeState s, long at) {
    Liveness l = Liveness.newBuilder().setNodeId(node).setGroups(s.groups()).setState(s.state())
        .setLastHeartbeatAt(Instant.ofEpochMilli(s.lastHeartbeatAt()))
        .setChangedAt(Instant.ofEpochMilli(s.changedAt())).build();
    emit(Out.Route.LIVENESS, node, settings.codec().encode(settings.liveness(), l), at);
  }

  private void presenceEvent(String node, NodeState s, String channel, String why, long at) {
    Map<String, Value> args = new HashMap<>();
    args.put("nodeId", new Value(node));
    args.put("groups", new Value(s.groups().stream().map(g -> new Value(g)).toList()));
    args.put("roles", new Value(s.roles().stream().map(g -> new Value(g)).toList()));
    args.put("state", new Value(s.state().name()));
    args.put("reason", new Value(why));
    Envelope e = Envelope.newBuilder()
        .setMessageId(Envelopes.id("presence", node, channel, Long.toString(at)))
        .setSessionId(Envelopes.id("presence", node))
        .setSessionType(SessionType.NOTIFICATION)
        .setKind(Kind.EVENT)
        .setTag(channel)
        .setSource(node)
        .setDestination(null)
        .setCreatedAt(Instant.ofEpochMilli(at))
        .setArgs(args)
        .setPayloads(new ArrayList<>())
        .setAttributes(new HashMap<>())
        .build();
    emitEnvelope(Out.Route.PRESENCE_EVENTS, settings.presenceEvents(), node, e, at);
  }
}
