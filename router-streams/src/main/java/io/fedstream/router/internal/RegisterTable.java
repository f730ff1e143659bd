package io.fedstream.router.internal;

import io.fedstream.protocol.Expression;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Payload;
import io.fedstream.avro.SessionType;
import io.fedstream.avro.Value;
import io.fedstream.schemas.wire.Framing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The conditional event register table (MARO). It reads the mailbox topic — every message
 * addressed to a node, keyed by that node — together with the node's registrations, re-keyed by
 * node into the same partitions. Each message counts for the units of each of the node's
 * registrations that it matches (longest source prefix, tag or {@code *}); when a registration's
 * expression is met the router emits one {@code TRIGGER} to the node's mailbox carrying every
 * message gathered for it since the last trigger, and resets.
 *
 * <p>Gathered messages and counters live in changelogged stores and the trigger is produced in
 * the same exactly-once transaction that consumes the completing message, so a crash can
 * neither lose a gathered message nor emit a trigger twice.
 */
final class RegisterTable extends Step<byte[]> {

  static final String REGISTRATIONS = "node-registrations";
  static final String STATE = "gather-state";
  static final String GATHERED = "gathered-messages";

  private record Registration(ConditionalEvent event, Expression expression) {
  }

  /** Counters per unit, the next message sequence and the number of triggers so far. */
  private static final class Gather {
    int[] counts;
    long nextSeq;
    long triggers;

    Gather(int units) {
      counts = new int[units];
    }

    byte[] bytes() {
      ByteBuffer b = ByteBuffer.allocate(4 + 4 * counts.length + 16).putInt(counts.length);
      for (int c : counts) {
        b.putInt(c);
      }
      return b.putLong(nextSeq).putLong(triggers).array();
    }

    static Gather of(byte[] v, int units) {
      Gather g = new Gather(units);
      if (v == null) {
        return g;
      }
      ByteBuffer b = ByteBuffer.wrap(v);
      int n = b.getInt();
      for (int i = 0; i < n; i++) {
        int c = b.getInt();
        if (i < units) {
          g.counts[i] = c;
        }
      }
      g.nextSeq = b.getLong();
      g.triggers = b.getLong();
      return g;
    }

    boolean empty() {
      for (int c : counts) {
        if (c > 0) {
          return false;
        }
      }
      return true;
    }
  }

  private KeyValueStore<String, byte[]> registrations;
  private KeyValueStore<String, byte[]> state;
  private KeyValueStore<String, byte[]> gathered;
  private ReadOnlyKeyValueStore<String, String> liveness;
  private final Map<String, Map<String, Registration>> byNode = new HashMap<>();

  RegisterTable(Settings settings) {
    super(settings);
  }

  @Override
  public void init(ProcessorContext<String, Out> context) {
    super.init(context);
    registrations = context.getStateStore(REGISTRATIONS);
    state = context.getStateStore(STATE);
    gathered = context.getStateStore(GATHERED);
    liveness = context.getStateStore(LivenessView.STORE);
    byNode.clear();
    try (KeyValueIterator<String, byte[]> it = registrations.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        try {
          index(Binary.read(kv.value, 0, ConditionalEvent.class));
        } catch (RuntimeException | StackOverflowError e) {
          // stored by an older router that had no limits: it can never trigger, and must not stop
          // the task from starting
          LOG.warn("register table drops stored registration {}: {}", kv.key.replace(Envelopes.SEP, '/'),
              io.fedstream.schemas.Limits.quote(e.toString()));
        }
      }
    }
    context.schedule(Duration.ofMillis(settings.presenceCheckIntervalMs()),
        PunctuationType.WALL_CLOCK_TIME, this::reevaluate);
  }

  private void index(ConditionalEvent c) {
    byNode.computeIfAbsent(c.getNodeId(), k -> new LinkedHashMap<>())
        .put(c.getRegistrationId(), new Registration(c, Expression.parse(c.getExpression())));
  }

  @Override
  void handle(Record<String, byte[]> r) {
    if (r.key() == null || r.value() == null) {
      return;
    }
    if (settings.mailbox().equals(sourceTopic())) {
      onMessage(r);
    } else if (GroupMessages.isCopy(sourceTopic())) {
      onGroupMessage(r);
    } else {
      onRegistration(r);
    }
  }

  private void onRegistration(Record<String, byte[]> r) {
    String node = r.key();
    byte[] v = r.value();
    if (Tagged.tag(v) == Tagged.REMOVE) {
      String id = Tagged.removedId(v);
      registrations.delete(node + Envelopes.SEP + id);
      reset(id);
      state.delete(id);
      Map<String, Registration> m = byNode.get(node);
      if (m != null) {
        m.remove(id);
        if (m.isEmpty()) {
          byNode.remove(node);
        }
      }
      return;
    }
    ConditionalEvent c = Tagged.body(v, ConditionalEvent.class);
    Map<String, Registration> m = byNode.get(node);
    Registration old = m == null ? null : m.get(c.getRegistrationId());
    if (old != null && old.event().getExpression().equals(c.getExpression())
        && old.event().getHandlerId().equals(c.getHandlerId())) {
      return; // the same registration again: keep what it has gathered
    }
    registrations.put(node + Envelopes.SEP + c.getRegistrationId(), Binary.write(c));
    reset(c.getRegistrationId());
    state.delete(c.getRegistrationId());
    index(c);
  }

  private void onMessage(Record<String, byte[]> r) {
    Map<String, Registration> regs = byNode.get(r.key());
    if (regs == null || regs.isEmpty()) {
      return;
    }
    Envelope e = countable(sourceTopic(), r.value());
    if (e != null) {
      RecordMetadata m = context().recordMetadata().orElseThrow();
      count(regs, e, entry(m.topic(), m.partition(), m.offset(), r.value()), r.timestamp());
    }
  }

  /**
   * A message broadcast to a group (a copy from {@link GroupMessages.FanOut}): it counts for the
   * registrations of every node of this partition that is an alive member of the group, except
   * its sender, as if it had been sent to each.
   */
  private void onGroupMessage(Record<String, byte[]> r) {
    if (byNode.isEmpty()) {
      return;
    }
    Entry en = Entry.of(r.value());
    String group = GroupMessages.groupOf(settings.namespace(), en.topic());
    Envelope e = group == null ? null : countable(en.topic(), en.wire());
    if (e == null) {
      return;
    }
    for (Map.Entry<String, Map<String, Registration>> node : new ArrayList<>(byNode.entrySet())) {
      if (!node.getKey().equals(e.getSource()) && GroupMessages.isFor(r.key(), node.getKey())
          && GroupMessages.aliveGroups(liveness, node.getKey()).contains(group)) {
        count(node.getValue(), e, r.value(), r.timestamp());
      }
    }
  }

  /** The message if it can count for a unit: decodable, not a trigger, chunk or router record. */
  private Envelope countable(String topic, byte[] wire) {
    Envelope e;
    try {
      e = settings.codec().decode(topic, wire, Envelope.class);
    } catch (RuntimeException ex) {
      rethrowIfRegistryDown(ex);
      // The mailbox and group topics belong to the nodes; their readers dead-letter what they cannot decode.
      LOG.debug("register table skips an undecodable record at {}: {}", position(), ex.toString());
      return null;
    }
    if (e.getKind() == Kind.TRIGGER || e.getKind() == Kind.CHUNK
        || RoutedRecords.ROUTER_SOURCE.equals(e.getSource())) {
      return null;
    }
    return e;
  }

  private void count(Map<String, Registration> regs, Envelope e, byte[] entry, long timestamp) {
    java.util.Set<String> senderGroups = null;
    for (Registration reg : new ArrayList<>(regs.values())) {
      if (senderGroups == null) {
        senderGroups = GroupMessages.aliveGroups(liveness, e.getSource());
      }
      List<Expression.Unit> units = GroupMessages.matching(reg.expression(), e.getSource(), e.getTag(),
          senderGroups);
      if (units.isEmpty()) {
        continue;
      }
      String id = reg.event().getRegistrationId();
      Gather g = Gather.of(state.get(id), reg.expression().units().size());
      for (Expression.Unit u : units) {
        g.counts[u.index()]++;
      }
      gathered.put(id + Envelopes.SEP + String.format("%019d", g.nextSeq), entry);
      g.nextSeq++;
      if (!fireIfMet(reg, g, timestamp)) {
        state.put(id, g.bytes());
      }
    }
  }

  /** Wall-clock re-evaluation: a {@code %} amount can become met because members left. */
  private void reevaluate(long now) {
    for (Map<String, Registration> regs : new ArrayList<>(byNode.values())) {
      for (Registration reg : new ArrayList<>(regs.values())) {
        if (!reg.expression().hasPercent()) {
          continue;
        }
        byte[] s = state.get(reg.event().getRegistrationId());
        if (s == null) {
          continue;
        }
        Gather g = Gather.of(s, reg.expression().units().size());
        if (!g.empty()) {
          fireIfMet(reg, g, now);
        }
      }
    }
  }

  /** Fires and resets when met; returns whether it fired (and saved the reset state). */
  private boolean fireIfMet(Registration reg, Gather g, long timestamp) {
    List<Expression.Unit> units = reg.expression().units();
    int[] required = new int[units.size()];
    Map<String, Integer> aliveBySource = new HashMap<>();
    for (Expression.Unit u : units) {
      required[u.index()] = u.percent()
          ? u.required(aliveBySource.computeIfAbsent(u.source(), s -> LivenessView.alive(liveness, s)))
          : u.amount();
    }
    if (!reg.expression().met(g.counts, required)) {
      return false;
    }
    ConditionalEvent c = reg.event();
    String id = c.getRegistrationId();
    List<Payload> payloads = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    long embedded = 0;
    try (KeyValueIterator<String, byte[]> it =
             gathered.prefixScan(id + Envelopes.SEP, Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        keys.add(kv.key);
        Entry en = Entry.of(kv.value);
        String position = en.topic() + ":" + en.partition() + ":" + en.offset();
        if (embedded + en.wire().length <= settings.triggerMaxEmbeddedBytes()
            && en.wire().length > Framing.HEADER_SIZE) {
          embedded += en.wire().length;
          payloads.add(Payload.newBuilder().setName(position)
              .setContentType(RoutedRecords.ENVELOPE_CONTENT_TYPE).setSchemaId(Framing.schemaId(en.wire()))
              .setData(Framing.body(en.wire())).setTransfer(null)
              .build());
        } else {
          payloads.add(Payload.newBuilder().setName(position)
              .setContentType(RoutedRecords.ENVELOPE_REF_CONTENT_TYPE).setSchemaId(null)
              .setData(ByteBuffer.wrap(position.getBytes(StandardCharsets.UTF_8))).setTransfer(null)
              .build());
        }
      }
    }
    for (String k : keys) {
      gathered.delete(k);
    }
    long seq = g.triggers;
    Map<String, Value> args = new HashMap<>();
    args.put("registrationId", new Value(id));
    args.put("handlerId", new Value(c.getHandlerId()));
    // The expression travels once, in the attributes: a trigger's size must not double with it.
    args.put("sequence", new Value(seq));
    args.put("count", new Value((long) payloads.size()));
    Map<String, String> attributes = new HashMap<>();
    attributes.put(RoutedRecords.ATTR_REGISTRATION, id);
    attributes.put(RoutedRecords.ATTR_TRIGGER_SEQUENCE, Long.toString(seq));
    attributes.put(RoutedRecords.ATTR_EXPRESSION, c.getExpression());
    Envelope trigger = Envelope.newBuilder()
        .setMessageId(Envelopes.id("trigger", id, Long.toString(seq)))
        .setSessionId(id)
        .setSessionType(SessionType.NOTIFICATION)
        .setKind(Kind.TRIGGER)
        .setTag(c.getHandlerId())
        .setSource(RoutedRecords.ROUTER_SOURCE)
        .setDestination(c.getNodeId())
        .setCreatedAt(Instant.ofEpochMilli(timestamp))
        .setArgs(args)
        .setPayloads(payloads)
        .setAttributes(attributes)
        .build();
    emitEnvelope(Out.Route.MAILBOX, settings.mailbox(), c.getNodeId(), trigger, timestamp);
    Gather reset = new Gather(units.size());
    reset.nextSeq = g.nextSeq;
    reset.triggers = seq + 1;
    state.put(id, reset.bytes());
    return true;
  }

  private void reset(String id) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
             gathered.prefixScan(id + Envelopes.SEP, Serdes.String().serializer())) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(gathered::delete);
  }

  private record Entry(String topic, int partition, long offset, byte[] wire) {
    static Entry of(byte[] v) {
      ByteBuffer b = ByteBuffer.wrap(v);
      byte[] t = new byte[b.getInt()];
      b.get(t);
      int p = b.getInt();
      long o = b.getLong();
      byte[] w = new byte[b.remaining()];
      b.get(w);
      return new Entry(new String(t, StandardCharsets.UTF_8), p, o, w);
    }
  }

  static byte[] entry(String topic, int partition, long offset, byte[] wire) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + t.length + 4 + 8 + wire.length).putInt(t.length).put(t)
        .putInt(partition).putLong(offset).put(wire).array();
  }
}
