package io.fedstream.node.internal;

import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.Envelope;
import io.fedstream.node.EventSubscription;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.node.Trigger;
import io.fedstream.protocol.RouterContract;
import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.FedStreamException;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.Framing;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A host's link to the router: emitting events, subscription and register-table records (and
 * their tombstones), and turning what the router sends back (routed events, triggers) into each
 * node's Flux through its {@link Routed}.
 */
final class RouterLink {

  private static final Logger LOG = LoggerFactory.getLogger(RouterLink.class);

  private final HostContext ctx;
  private final Outbox outbox;
  private final KafkaClients clients;
  private volatile AvroWire<io.fedstream.avro.Subscription> subscriptions;
  private volatile AvroWire<ConditionalEvent> registrations;

  RouterLink(HostContext ctx, Outbox outbox, KafkaClients clients) {
    this.ctx = ctx;
    this.outbox = outbox;
    this.clients = clients;
  }

  void open(SchemaRegistryClient registry) {
    subscriptions = AvroWire.of(io.fedstream.avro.Subscription.class, registry);
    registrations = AvroWire.of(ConditionalEvent.class, registry);
  }

  /** See {@link io.fedstream.node.Node#emit(String, String, String, Message)}. */
  Mono<Void> emit(NodeSide node, String role, String instance, String channel, Message event) {
    String r = Topics.requireName("role", role);
    if (r.equals(RoutedRecords.PRESENCE_ROLE)) {
      throw new IllegalArgumentException("Role 'presence' is reserved for the router's join and leave events.");
    }
    String c = Topics.requireName("channel", channel);
    if (instance == null || instance.isBlank()) {
      throw new IllegalArgumentException("Role instance id required (the node id unless given).");
    }
    Objects.requireNonNull(event, "event");
    Message.Builder b = event.toBuilder().to(null).tag(c);
    TraceInterceptor.stamp(event, b);
    Message m = node.prepare(b, Message.Kind.EVENT, false);
    String topic = Topics.events(ctx.namespace, r);
    return Mono.defer(() -> outbox.sendEvent(topic, r, c, instance, node.intercept(topic, m)));
  }

  /** See {@link io.fedstream.node.Node#subscribe(EventSubscription, Runnable)}; {@code onLive} may be null. */
  Flux<Message> subscribe(Inbox inbox, EventSubscription subscription, Runnable onLive) {
    Objects.requireNonNull(subscription, "subscription");
    String topic = Topics.subscriptions(ctx.namespace);
    boolean once = subscription.mode() == EventSubscription.Mode.ONCE;
    return Flux.defer(() -> {
      String sid = java.util.UUID.randomUUID().toString();
      Flux<Delivery> source = Flux.create(sink -> {
        Routed r = inbox.routed();
        if (!r.addSubscription(sid, sink, once, onLive)) {
          sink.complete();
          return;
        }
        Mono<Void> written = writeSubscription(sid, inbox.id, subscription).cache();
        // the tombstone follows the record, even when the Flux is cancelled before the write is done
        sink.onDispose(() -> {
          r.removeSubscription(sid, sink);
          // a record refused before it was written (CALLER) needs no tombstone
          written.subscribe(null, e -> {
            if (!(e instanceof io.fedstream.node.NodeException.CallerException)) {
              outbox.tombstone(topic, sid);
            }
          }, () -> outbox.tombstone(topic, sid));
        });
        written.subscribe(null, sink::error);
      }, FluxSink.OverflowStrategy.BUFFER);
      return source.publishOn(ctx.delivery, 32)
          .transform(Operators.<Delivery, Message>lift((sc, actual) -> Unwrap.of(actual)))
          .doOnDiscard(Delivery.class, Delivery::processed);
    });
  }

  /** See {@link io.fedstream.node.Node#register(String, String)}. */
  Flux<Trigger> register(Inbox inbox, String expression, String handlerId) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("Expression required, e.g. \"w:update:2 AND m:update:1\".");
    }
    if (handlerId == null || handlerId.isBlank()) {
      throw new IllegalArgumentException("Handler id required.");
    }
    try {
      RouterContract.checkExpression(expression); // the router's grammar: refuse before sending
    } catch (FedStreamException e) {
      return Flux.error(ErrorRegistry.INVALID_CONDITION.isCodeOf(e)
          ? new NodeException.InvalidConditionException(e.getMessage()) : e);
    }
    String topic = Topics.conditionalEvents(ctx.namespace);
    return Flux.defer(() -> {
      String rid = java.util.UUID.randomUUID().toString();
      Flux<Delivery> source = Flux.create(sink -> {
        Routed r = inbox.routed();
        if (!r.addRegistration(rid, sink)) {
          sink.complete();
          return;
        }
        Mono<Void> written = writeRegistration(rid, inbox.id, handlerId, expression).cache();
        sink.onDispose(() -> {
          r.removeRegistration(rid, sink);
          written.onErrorResume(e -> Mono.empty()).doFinally(x -> outbox.tombstone(topic, rid)).subscribe();
        });
        written.subscribe(null, sink::error);
      }, FluxSink.OverflowStrategy.BUFFER);
      return source.publishOn(ctx.delivery, 32)
          .transform(Operators.<Delivery, Trigger>lift((sc, actual) -> new Unwrap<>(actual, this::toTrigger)))
          .doOnDiscard(Delivery.class, Delivery::processed);
    });
  }

  /** Writes a subscription record keyed by its id; completes on the broker's acknowledgement. */
  private Mono<Void> writeSubscription(String id, String subscriber, EventSubscription s) {
    return Mono.defer(() -> {
      if (Outbox.tooDeep(s.conditions())) {
        return Mono.error(new io.fedstream.node.NodeException.CallerException("a condition of the subscription to "
            + s.role() + "/" + s.channel() + " has a literal nested deeper than "
            + io.fedstream.schemas.Limits.MAX_VALUE_DEPTH + " levels"));
      }
      Map<String, io.fedstream.avro.Value> conditions = new LinkedHashMap<>();
      s.conditions().forEach((k, v) -> conditions.put(k, EnvelopeCodec.toValue(v)));
      io.fedstream.avro.Subscription rec = RouterContract.subscription(subscriber, s.role(), s.channel())
          .setSubscriptionId(id).setInstances(new ArrayList<>(s.instances()))
          .setMode(io.fedstream.avro.SubscriptionMode.valueOf(s.mode().name()))
          .setConditions(conditions).build();
      String topic = Topics.subscriptions(ctx.namespace);
      return outbox.writeRecord(topic, id, () -> subscriptions.encode(topic, rec));
    });
  }

  /** Writes a register-table record keyed by its id; completes on the broker's acknowledgement. */
  private Mono<Void> writeRegistration(String id, String nodeId, String handlerId, String expression) {
    return Mono.defer(() -> {
      ConditionalEvent rec = RouterContract.conditionalEvent(id, nodeId, handlerId, expression);
      String topic = Topics.conditionalEvents(ctx.namespace);
      return outbox.writeRecord(topic, id, () -> registrations.encode(topic, rec));
    });
  }

  /** A trigger from the router as the public type, with its embedded messages decoded. */
  Trigger toTrigger(Message m) {
    List<Trigger.Item> items = new ArrayList<>();
    for (Payload p : m.payloads()) {
      Message gathered = null;
      Integer schemaId = p.schemaId().isPresent() ? p.schemaId().getAsInt() : null;
      if (RouterContract.isEmbeddedEnvelope(p.contentType(), schemaId)) {
        try {
          gathered = decodeGathered(Topics.mailbox(ctx.namespace), Framing.frame(schemaId, p.bytes()));
        } catch (RuntimeException ex) {
          LOG.warn("host {}: trigger {}: cannot decode gathered message {}: {}", ctx.hostId, m.id(), p.name(),
              ex.toString());
        }
      }
      String position = RoutedRecords.ENVELOPE_REF_CONTENT_TYPE.equals(p.contentType())
          ? new String(p.bytes(), StandardCharsets.UTF_8) : p.name();
      items.add(new Trigger.Item(position, Optional.ofNullable(gathered)));
    }
    resolveReferences(m, items);
    long sequence = 0;
    try {
      sequence = Long.parseLong(m.attributes().getOrDefault(RoutedRecords.ATTR_TRIGGER_SEQUENCE, "0"));
    } catch (NumberFormatException e) {
      LOG.warn("host {}: trigger {} has a bad sequence attribute", ctx.hostId, m.id());
    }
    return new Trigger(m.attributes().get(RoutedRecords.ATTR_REGISTRATION), m.tag(),
        m.attributes().getOrDefault(RoutedRecords.ATTR_EXPRESSION, ""), sequence, items);
  }

  /** A gathered message from its wire bytes (its inline payloads only). */
  private Message decodeGathered(String topic, byte[] wire) {
    Envelope e = ctx.codec.decode(topic, wire);
    List<Payload> ps = new ArrayList<>();
    for (io.fedstream.avro.Payload gp : e.getPayloads()) {
      if (gp.getTransfer() == null) {
        ps.add(EnvelopeCodec.inlinePayload(gp));
      }
    }
    return EnvelopeCodec.toMessage(e, ps, null);
  }

  /** Fetches the gathered messages a trigger carries as references (see {@link GatheredRecords}). */
  private void resolveReferences(Message trigger, List<Trigger.Item> items) {
    List<String> refs = items.stream().filter(i -> i.message().isEmpty()).map(Trigger.Item::position).toList();
    if (refs.isEmpty()) {
      return;
    }
    Map<String, byte[]> found = GatheredRecords.fetch(clients.clientProps(Map.of()),
        "fedstream-" + ctx.hostId + "-gathered", refs, Duration.ofMillis(ctx.config.requestTimeoutMs()));
    for (int i = 0; i < items.size(); i++) {
      Trigger.Item it = items.get(i);
      byte[] wire = it.message().isPresent() ? null : found.get(it.position());
      if (wire == null) {
        continue;
      }
      try {
        String topic = it.position().substring(0, it.position().lastIndexOf(':', it.position().lastIndexOf(':') - 1));
        items.set(i, new Trigger.Item(it.position(), Optional.of(decodeGathered(topic, wire))));
      } catch (RuntimeException ex) {
        LOG.warn("host {}: trigger {}: cannot decode referenced message {}: {}", ctx.hostId, trigger.id(),
            it.position(), ex.toString());
      }
    }
    if (found.size() < refs.size()) {
      LOG.warn("host {}: trigger {}: {} of {} referenced messages not found", ctx.hostId, trigger.id(),
          refs.size() - found.size(), refs.size());
    }
  }
}
