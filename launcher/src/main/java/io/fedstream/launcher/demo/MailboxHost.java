package io.fedstream.launcher.demo;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.SessionType;
import io.fedstream.avro.Value;
import io.fedstream.schemas.FedStreamException;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.schemas.wire.WireFormatException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Serves the mailboxes of many demo nodes over one producer and one consumer: records on the
 * namespace's shared mailbox topic are keyed by destination node id, and the host hands each to
 * that node's inbox. Records are Avro {@link Envelope}s on the Confluent wire format.
 *
 * <p>Stands in for the node SDK until it lands; {@link MessagingFederation} only uses
 * {@link #send} and {@link #receive}.
 */
final class MailboxHost implements AutoCloseable {

  private final String topic;
  private final AvroWire<Envelope> wire;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, BlockingQueue<Message>> inboxes = new ConcurrentHashMap<>();
  private final Thread poller;
  private final PrintWriter out;
  private volatile boolean closed;
  private volatile RuntimeException pollFailure;

  MailboxHost(String bootstrap, String registryUrl, String namespace, List<String> nodes, PrintWriter out) {
    this.topic = Topics.mailbox(namespace);
    this.out = out;
    nodes.forEach(n -> inboxes.put(n, new LinkedBlockingQueue<>()));
    this.wire = AvroWire.of(Envelope.class, SchemaRegistryClient.create(registryUrl));
    int partitions = createTopic(bootstrap);

    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSettings.MAX_MESSAGE_BYTES);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());

    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicSettings.MAX_MESSAGE_BYTES + 65536);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> all = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      all.add(new TopicPartition(topic, i));
    }
    // The namespace is new, so its mailbox holds only this run's records: read them all, no group needed.
    consumer.assign(all);
    consumer.seekToBeginning(all);
    this.poller = new Thread(this::poll, "demo-mailbox-host");
    poller.setDaemon(true);
    poller.start();
  }

  String topic() {
    return topic;
  }

  /** Sends a message from one node to another's mailbox and waits until Kafka has it. */
  void send(String from, String to, String tag, Map<String, String> body, int round) {
    Map<String, Value> args = new HashMap<>();
    body.forEach((k, v) -> args.put(k, Value.newBuilder().setV(v).build()));
    Envelope e = Envelope.newBuilder()
        .setMessageId(UUID.randomUUID().toString())
        .setSessionId(UUID.randomUUID().toString())
        .setSessionType(SessionType.NOTIFICATION)
        .setKind(Kind.MESSAGE)
        .setTag(tag)
        .setSource(from)
        .setDestination(to)
        .setCreatedAt(Instant.now())
        .setArgs(args)
        .setAttributes(Map.of("round", Integer.toString(round)))
        .build();
    try {
      producer.send(new ProducerRecord<>(topic, to, wire.encode(topic, e))).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new FedStreamException("CANCELLED", "interrupted while sending to " + to);
    } catch (ExecutionException | java.util.concurrent.TimeoutException ex) {
      Throwable cause = ex instanceof ExecutionException ? ex.getCause() : ex;
      throw new FedStreamException("UNAVAILABLE", from + " could not send to " + to + " on " + topic + ": " + cause, cause);
    }
  }

  /**
   * The next message in a node's mailbox.
   *
   * @throws FedStreamException {@code TIMEOUT} when none arrives within the bound
   */
  Message receive(String node, Duration bound) {
    try {
      long deadline = System.nanoTime() + bound.toNanos();
      while (true) {
        if (pollFailure != null) {
          throw pollFailure;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new FedStreamException("TIMEOUT", node + " received nothing within " + bound.toSeconds() + " s on " + topic);
        }
        Message m = inboxes.get(node).poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
        if (m != null) {
          return m;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FedStreamException("CANCELLED", "interrupted while " + node + " waited for a message");
    }
  }

  private void poll() {
    try {
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          Envelope e;
          try {
            e = wire.decode(topic, r.value());
          } catch (WireFormatException bad) {
            // One bad record never stops the host.
            synchronized (out) {
              out.println("  (skipped an undecodable record at " + r.topic() + "-" + r.partition() + "@" + r.offset()
                  + ": " + bad.getMessage() + ")");
              out.flush();
            }
            continue;
          }
          BlockingQueue<Message> inbox = e.getDestination() == null ? null : inboxes.get(e.getDestination());
          if (inbox == null) {
            continue;
          }
          Map<String, String> body = new HashMap<>();
          e.getArgs().forEach((k, v) -> body.put(k, String.valueOf(v.getV())));
          int round = Integer.parseInt(e.getAttributes().getOrDefault("round", "0"));
          inbox.add(new Message(e.getSource(), body, e.getCreatedAt(), round));
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      pollFailure = e;
    }
  }

  private int createTopic(String bootstrap) {
    TopicSettings s = TopicSettings.forTopic(topic);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
      try {
        admin.createTopics(List.of(new NewTopic(topic, s.partitions(), (short) -1).configs(s.configs())))
            .all().get(20, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      return admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic).partitions().size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FedStreamException("CANCELLED", "interrupted while creating " + topic);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new FedStreamException("UNAVAILABLE", "cannot create the mailbox topic " + topic + ": " + cause, cause);
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      poller.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
    producer.close(Duration.ofSeconds(5));
  }
}
