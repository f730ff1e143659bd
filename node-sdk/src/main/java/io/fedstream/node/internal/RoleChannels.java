package io.fedstream.node.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.SchemaRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * One node's instance of a role, serving the role's channel topics
 * ({@code <ns>.channel.<role>.<channel>}) in the role's consumer group ({@code <ns>.role.<role>}):
 * a consumer of its own on a thread of its own, so the group's rebalancing never touches the
 * host's assigned mailbox consumer. Positions are committed below the first call not yet
 * answered; at most {@link #MAX_IN_FLIGHT} calls run at once, then fetching pauses.
 */
final class RoleChannels implements Disposable {

  private static final Logger LOG = LoggerFactory.getLogger(RoleChannels.class);
  /** Calls handled at once per role instance before fetching pauses (resumes at half). */
  static final int MAX_IN_FLIGHT = 64;
  private static final int RECENT_IDS = 10_000;
  private static final Map<Object, Set<RoleChannels>> OPEN = new ConcurrentHashMap<>();

  private final HostContext ctx;
  private final KafkaClients clients;
  private final Outbox outbox;
  private final LocalNode node;
  private final String role;
  private final Map<String, Function<Message, Mono<Message>>> byTopic;
  private final Offsets offsets = new Offsets();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, Boolean> recent = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
          return size() > RECENT_IDS;
        }
      });
  private final Thread thread;
  private volatile boolean stopped;
  private volatile KafkaConsumer<String, byte[]> consumer;

  private RoleChannels(NodeHostImpl host, LocalNode node, String role,
      Map<String, Function<Message, Mono<Message>>> byTopic) {
    this.ctx = host.ctx;
    this.clients = host.clients;
    this.outbox = host.outbox;
    this.node = node;
    this.role = role;
    this.byTopic = byTopic;
    this.thread = new Thread(this::run, "fedstream-" + node.id() + "-role-" + role);
    this.thread.setDaemon(true);
  }

  static Disposable serve(NodeHostImpl host, LocalNode node, String role,
      Map<String, Function<Message, Mono<Message>>> handlers) {
    String r = Topics.requireName("role", role);
    if (handlers == null || handlers.isEmpty()) {
      throw new IllegalArgumentException("Role '" + r + "' needs at least one channel handler.");
    }
    Map<String, Function<Message, Mono<Message>>> byTopic = new HashMap<>();
    handlers.forEach((channel, h) -> {
      java.util.Objects.requireNonNull(h, "handler of channel " + channel);
      if (byTopic.put(Topics.channel(host.ctx.namespace, r, Topics.requireName("channel", channel)), h) != null) {
        throw new IllegalArgumentException("Channel '" + channel + "' of role '" + r
            + "' is given twice (names are compared after underscores become hyphens).");
      }
    });
    RoleChannels rc = new RoleChannels(host, node, r, Map.copyOf(byTopic));
    OPEN.computeIfAbsent(node.inbox, k -> ConcurrentHashMap.newKeySet()).add(rc);
    rc.thread.start();
    return rc;
  }

  /** Stops every role instance of a node (its inbox closes). */
  static void closeAll(Inbox inbox) {
    Set<RoleChannels> open = OPEN.remove(inbox);
    if (open != null) {
      open.forEach(RoleChannels::dispose);
    }
  }

  static void requireSmall(Message m, int chunkSize) {
    for (Payload p : m.payloads()) {
      if (p.size() > chunkSize) {
        throw new IllegalArgumentException("Payload '" + p.name() + "' (" + p.size() + " bytes) is above the chunk size ("
            + chunkSize + " bytes): a call to a role's channel carries small payloads only; send large ones to a"
            + " named node.");
      }
    }
  }

  @Override
  public void dispose() {
    if (stopped) {
      return;
    }
    stopped = true;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    Set<RoleChannels> open = OPEN.get(node.inbox);
    if (open != null) {
      open.remove(this);
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isDisposed() {
    return stopped;
  }

  private Map<String, Object> props() {
    NodeConfig config = ctx.config;
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", config.bootstrapServers());
    config.clientSettings().forEach((k, v) -> {
      for (String prefix : NodeConfig.SECURITY_PREFIXES) {
        if (k.startsWith(prefix)) {
          p.put(k, v);
        }
      }
    });
    p.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.roleConsumerGroup(ctx.namespace, role));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "fedstream-" + node.id() + "-role-" + role);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // an instance that dies without leaving holds its partitions this long
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_IN_FLIGHT);
    return p;
  }

  private void run() {
    KafkaConsumer<String, byte[]> c = null;
    try {
      clients.ensureTopics(byTopic.keySet());
      c = new KafkaConsumer<>(props(), new StringDeserializer(), new ByteArrayDeserializer());
      consumer = c;
      KafkaConsumer<String, byte[]> cc = c;
      c.subscribe(byTopic.keySet(), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
          commit(cc, true);
          parts.forEach(offsets::reset);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
          // nothing to do: positions come from the group
        }
      });
      boolean paused = false;
      while (!stopped) {
        ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, byte[]> r : records) {
          handle(r);
        }
        if (!paused && inFlight.get() >= MAX_IN_FLIGHT) {
          c.pause(c.assignment());
          paused = true;
        } else if (paused && inFlight.get() <= MAX_IN_FLIGHT / 2) {
          c.resume(c.paused());
          paused = false;
        }
        commit(c, false);
      }
    } catch (WakeupException e) {
      // dispose()
    } catch (RuntimeException e) {
      if (!stopped) {
        LOG.error("node {}: role {} stopped serving its channels: {}", node.id(), role, e.toString(), e);
      }
    } finally {
      if (c != null) {
        try {
          commit(c, true);
        } catch (RuntimeException e) {
          LOG.debug("node {}: role {}: last commit failed: {}", node.id(), role, e.toString());
        }
        c.close(Duration.ofSeconds(5));
      }
      stopped = true;
    }
  }

  private void commit(KafkaConsumer<String, byte[]> c, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> safe = offsets.committable();
    if (safe.isEmpty()) {
      return;
    }
    if (sync) {
      c.commitSync(safe);
    } else {
      c.commitAsync(safe, (o, e) -> {
        if (e != null) {
          LOG.debug("node {}: role {}: commit failed (retried with the next): {}", node.id(), role, e.toString());
        }
      });
    }
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    Envelope e;
    try {
      e = ctx.codec.decode(r.topic(), r.value());
    } catch (SchemaRegistryException ex) {
      // the registry says nothing about the record: read it again
      LOG.warn("node {}: registry unavailable, will read {} again: {}", node.id(), tp, ex.getMessage());
      consumer.seek(tp, r.offset());
      throw new WakeupException();
    } catch (RuntimeException ex) {
      String problem = ex instanceof io.fedstream.schemas.wire.WireFormatException w ? w.problem().name() : "GARBAGE";
      outbox.deadLetter(r, ErrorCode.DECODE, problem + ": " + ex.getMessage());
      offsets.skip(tp, r.offset());
      return;
    }
    if (e.getKind() != Kind.REQUEST || e.getMessageId() == null || recent.put(e.getMessageId(), Boolean.TRUE) != null) {
      offsets.skip(tp, r.offset());
      return;
    }
    Offsets.Token token = offsets.open(tp, r.offset(), false);
    List<Payload> payloads = new ArrayList<>();
    Message.Error error = null;
    for (io.fedstream.avro.Payload p : e.getPayloads()) {
      if (p.getTransfer() != null) {
        error = new Message.Error(ErrorCode.CALLER, "payload '" + p.getName() + "' was sent as chunks; a call to a"
            + " role's channel carries small payloads only", Map.of("payload", p.getName()));
        continue;
      }
      byte[] data = Reassembler.bytes(p.getData());
      payloads.add(p.getSchemaId() != null ? Payload.ofAvro(p.getName(), p.getSchemaId(), data)
          .withContentType(p.getContentType()) : Payload.ofBytes(p.getName(), p.getContentType(), data));
    }
    Message received = EnvelopeCodec.toMessage(e, payloads, null);
    Message m;
    try {
      m = node.interceptors.inbound(node.id(), r.topic(), received);
    } catch (NodeException ex) {
      LOG.warn("node {}: an inbound interceptor refused call {} of role {}: {}", node.id(), received.id(), role,
          ex.getMessage());
      node.replyError(received, ex.errorCode(), ex.reason()).doFinally(x -> token.done())
          .subscribe(null, x -> LOG.warn("node {}: cannot answer {}: {}", node.id(), received.id(), x.toString()));
      return;
    }
    if (m.deadline().map(d -> d.toEpochMilli() < System.currentTimeMillis()).orElse(false)) {
      LOG.info("node {}: call {} '{}' of role {} from {} arrived after its deadline; dropped", node.id(), m.id(),
          m.tag(), role, m.source());
      token.done();
      return;
    }
    if (error != null) {
      node.reply(m, Message.builder().tag(m.tag()).error(error).build())
          .doFinally(s -> token.done()).subscribe(null, x -> LOG.warn("node {}: cannot answer {}: {}", node.id(), m.id(), x));
      return;
    }
    Function<Message, Mono<Message>> handler = byTopic.get(r.topic());
    inFlight.incrementAndGet();
    Mono.defer(() -> handler.apply(m))
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(reply -> node.reply(m, reply.orElseGet(() -> Message.builder().tag(m.tag()).build())))
        .onErrorResume(x -> {
          ErrorCode code = x instanceof NodeException ne ? ne.errorCode() : ErrorCode.HANDLER;
          String reason = x instanceof NodeException ne ? ne.reason() : String.valueOf(x);
          return node.replyError(m, code, reason);
        })
        .doFinally(s -> {
          inFlight.decrementAndGet();
          token.done();
        })
        .subscribe(null, x -> LOG.error("node {}: cannot reply to call {}: {}", node.id(), m.id(), x.toString()));
  }
}
