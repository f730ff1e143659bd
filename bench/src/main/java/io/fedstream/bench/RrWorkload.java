package io.fedstream.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * {@code rr}: request/reply latency, one call at a time, 100 B of arguments. Sides: FedStream's
 * {@code request}, a plain kafka-clients ping-pong over two topics, and Spring Kafka's
 * {@code ReplyingKafkaTemplate} with Spring's defaults and tuned fairly.
 */
final class RrWorkload extends Workload {

  static final int ARGS_BYTES = 100;
  /** The longest warm-up of one side. */
  static final java.time.Duration WARMUP_BOUND = java.time.Duration.ofSeconds(20);

  /** One request/reply peer: a requester and a responder on the same broker. */
  interface Peer extends AutoCloseable {
    String side();

    /** Makes one call and returns its latency in nanoseconds. */
    long call(byte[] args) throws Exception;

    @Override
    void close();
  }

  @Override
  String name() {
    return "rr";
  }

  @Override
  void run(Cluster cluster, Size size, int runs, Report report) throws Exception {
    // Warm-up per side, before any side is timed. A method reaches the optimising compiler (C2)
    // after some 5,000 calls or loop iterations; code run once per call (most of a side's own
    // code) needs as many calls, else it is timed half-compiled and the side with the most code
    // of its own pays most. Kafka's client code, shared by every side, is warm sooner.
    int warmup = size.pick(20, 1_000, 6_000);
    int calls = size.pick(50, 500, 2000);
    report.detail("size=" + size.label() + " calls=" + calls + " warmup=" + warmup + " args_bytes=" + ARGS_BYTES
        + " runs=" + runs);
    String sdkMissing = FedStream.sdkMissing();
    List<Peer> peers = new ArrayList<>();
    try {
      peers.add(new PlainPeer(cluster));
      peers.add(new SpringPeer(cluster, true));
      peers.add(new SpringPeer(cluster, false));
      if (sdkMissing == null) {
        peers.add(FedStream.rrPeer(cluster));
      }
      byte[] args = new byte[ARGS_BYTES];
      ThreadLocalRandom.current().nextBytes(args);
      for (Peer p : peers) {
        // at most WARMUP_BOUND per side: spring-default takes ~14 ms a call, and its figure is its
        // synchronous commit, not its compiled code
        long until = System.nanoTime() + WARMUP_BOUND.toNanos();
        int done = 0;
        while (done < warmup && System.nanoTime() < until) {
          p.call(args);
          done++;
        }
        report.detail(p.side() + " warmup_calls=" + done);
      }
      for (int run = 1; run <= runs; run++) {
        for (Peer p : peers) {
          Latencies lat = new Latencies(calls);
          for (int i = 0; i < calls; i++) {
            lat.record(p.call(args));
          }
          Map<String, Double> v = new LinkedHashMap<>();
          v.put("p50_ms", lat.percentileMs(50));
          v.put("p90_ms", lat.percentileMs(90));
          v.put("p99_ms", lat.percentileMs(99));
          v.put("max_ms", lat.percentileMs(100));
          v.put("mean_ms", lat.meanMs());
          report.run(p.side(), run, v);
        }
      }
    } finally {
      for (Peer p : peers) {
        p.close();
      }
    }
    report.medians();
    if (sdkMissing != null) {
      report.result("skipped reason=" + sdkMissing);
      return;
    }
    double fs = report.median("fedstream", "p50_ms");
    double plain = report.median("plain", "p50_ms");
    report.result("fedstream=" + Report.num(fs)
        + " baseline=" + Report.num(plain)
        + " ratio=" + Report.num(fs / plain)
        + " p99_ratio=" + Report.num(report.median("fedstream", "p99_ms") / report.median("plain", "p99_ms"))
        + " spring_ratio=" + Report.num(fs / report.median("spring-tuned", "p50_ms"))
        + " spring_default_ratio=" + Report.num(fs / report.median("spring-default", "p50_ms")));
  }

  /**
   * Plain kafka-clients ping-pong: requests on one topic, replies on another, a correlation id in
   * a header, {@code linger.ms=0}, consumers committing automatically (no commit per reply).
   */
  static final class PlainPeer implements Peer {
    private static final String CORRELATION = "correlation";
    private final String requests = Clients.unique("rr-plain-req");
    private final String replies = Clients.unique("rr-plain-rep");
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> replyConsumer;
    private final Thread responder;
    private volatile boolean open = true;
    private long sequence;

    PlainPeer(Cluster cluster) {
      cluster.createTopics(1, Map.of(), requests, replies);
      producer = Clients.newProducer(cluster, 0);
      replyConsumer = Clients.newConsumer(cluster, Clients.unique("rr-plain-requester"));
      replyConsumer.subscribe(List.of(replies));
      KafkaConsumer<String, byte[]> requestConsumer = Clients.newConsumer(cluster, Clients.unique("rr-plain-responder"));
      KafkaProducer<String, byte[]> replyProducer = Clients.newProducer(cluster, 0);
      requestConsumer.subscribe(List.of(requests));
      responder = new Thread(() -> {
        try (requestConsumer; replyProducer) {
          while (open) {
            for (ConsumerRecord<String, byte[]> r : requestConsumer.poll(Duration.ofMillis(100))) {
              ProducerRecord<String, byte[]> reply = new ProducerRecord<>(replies, r.key(), r.value());
              reply.headers().add(r.headers().lastHeader(CORRELATION));
              replyProducer.send(reply);
            }
          }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
          // closing
        }
      }, "rr-plain-responder");
      responder.start();
      Clients.awaitAssignment(replyConsumer, Duration.ofSeconds(30));
    }

    @Override
    public String side() {
      return "plain";
    }

    @Override
    public long call(byte[] args) {
      long id = ++sequence;
      long start = System.nanoTime();
      ProducerRecord<String, byte[]> request = new ProducerRecord<>(requests, "requester", args);
      request.headers().add(CORRELATION, ByteBuffer.allocate(8).putLong(id).array());
      producer.send(request);
      long deadline = start + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        for (ConsumerRecord<String, byte[]> r : replyConsumer.poll(Duration.ofMillis(100))) {
          Header h = r.headers().lastHeader(CORRELATION);
          if (h != null && ByteBuffer.wrap(h.value()).getLong() == id) {
            return System.nanoTime() - start;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new BenchException("plain rr: no reply to call " + id + " within 30 s");
        }
      }
    }

    @Override
    public void close() {
      open = false;
      try {
        responder.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      producer.close(Duration.ofSeconds(5));
      replyConsumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  /**
   * Spring Kafka's {@code ReplyingKafkaTemplate}, answered by a listener container that copies the
   * correlation id to its reply. {@code tuned=false}: Spring's and Kafka's defaults (the
   * containers commit synchronously after every poll, so once per reply; {@code linger.ms} is
   * Kafka's default 5). {@code tuned=true}: {@code linger.ms=0} and commits asynchronously every
   * 5 s ({@code AckMode.TIME}, {@code syncCommits=false}), as the plain consumers' auto-commit does.
   */
  static final class SpringPeer implements Peer {
    private final boolean tuned;
    private final ReplyingKafkaTemplate<String, byte[], byte[]> template;
    private final KafkaMessageListenerContainer<String, byte[]> server;
    private final DefaultKafkaProducerFactory<String, byte[]> requesterFactory;
    private final DefaultKafkaProducerFactory<String, byte[]> replierFactory;
    private final String requests;

    SpringPeer(Cluster cluster, boolean tuned) throws InterruptedException {
      this.tuned = tuned;
      String tag = tuned ? "tuned" : "default";
      requests = Clients.unique("rr-spring-" + tag + "-req");
      String replies = Clients.unique("rr-spring-" + tag + "-rep");
      cluster.createTopics(1, Map.of(), requests, replies);

      requesterFactory = new DefaultKafkaProducerFactory<>(producerConfig(cluster));
      replierFactory = new DefaultKafkaProducerFactory<>(producerConfig(cluster));

      ContainerProperties replyProps = new ContainerProperties(replies);
      replyProps.setGroupId(Clients.unique("rr-spring-" + tag + "-requester"));
      tune(replyProps);
      KafkaMessageListenerContainer<String, byte[]> replyContainer =
          new KafkaMessageListenerContainer<>(consumerFactory(cluster), replyProps);
      template = new ReplyingKafkaTemplate<>(requesterFactory, replyContainer);
      template.setDefaultReplyTimeout(Duration.ofSeconds(30));

      KafkaTemplate<String, byte[]> replier = new KafkaTemplate<>(replierFactory);
      ContainerProperties serverProps = new ContainerProperties(requests);
      serverProps.setGroupId(Clients.unique("rr-spring-" + tag + "-responder"));
      tune(serverProps);
      serverProps.setMessageListener((MessageListener<String, byte[]>) r -> {
        Header replyTopic = r.headers().lastHeader(KafkaHeaders.REPLY_TOPIC);
        String to = replyTopic != null ? new String(replyTopic.value(), StandardCharsets.UTF_8) : replies;
        ProducerRecord<String, byte[]> reply = new ProducerRecord<>(to, r.key(), r.value());
        reply.headers().add(r.headers().lastHeader(KafkaHeaders.CORRELATION_ID));
        replier.send(reply);
      });
      server = new KafkaMessageListenerContainer<>(consumerFactory(cluster), serverProps);
      server.start();
      template.start();
      if (!template.waitForAssignment(Duration.ofSeconds(30))) {
        throw new BenchException("Spring rr (" + tag + "): the reply container got no partitions within 30 s");
      }
    }

    private Map<String, Object> producerConfig(Cluster cluster) {
      Map<String, Object> p = new LinkedHashMap<>();
      Clients.producer(cluster, 0).forEach((k, v) -> p.put((String) k, v));
      if (!tuned) {
        p.remove(ProducerConfig.LINGER_MS_CONFIG); // Kafka's default, 5 ms since Kafka 4.0
      }
      return p;
    }

    private DefaultKafkaConsumerFactory<String, byte[]> consumerFactory(Cluster cluster) {
      Map<String, Object> c = new LinkedHashMap<>();
      Clients.consumer(cluster, "unused").forEach((k, v) -> c.put((String) k, v));
      c.remove(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG); // set per container
      return new DefaultKafkaConsumerFactory<>(c);
    }

    private void tune(ContainerProperties props) {
      if (tuned) {
        props.setAckMode(ContainerProperties.AckMode.TIME);
        props.setAckTime(5000);
        props.setSyncCommits(false);
      }
    }

    @Override
    public String side() {
      return tuned ? "spring-tuned" : "spring-default";
    }

    @Override
    public long call(byte[] args) throws Exception {
      long start = System.nanoTime();
      template.sendAndReceive(new ProducerRecord<>(requests, "requester", args)).get(30, TimeUnit.SECONDS);
      return System.nanoTime() - start;
    }

    @Override
    public void close() {
      template.stop();
      server.stop();
      template.destroy();
      requesterFactory.destroy();
      replierFactory.destroy();
    }
  }
}
