package io.fedstream.router;

import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.ErrorCode;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running router instance: the {@link RouterTopology} in a {@link KafkaStreams} application.
 * Several instances with the same namespace share the work (Kafka Streams assigns tasks across
 * them).
 *
 * <p>{@link #start} first creates the namespace's public topics the router needs that do not
 * exist yet (with the contract's {@link TopicSettings}) and checks that the mailbox has
 * {@link RouterConfig#MAILBOX_PARTITIONS} partitions. A stream thread that dies is replaced, so a
 * transient failure (the registry briefly unreachable) costs a retry, not the router.
 */
public final class Router implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  private final RouterConfig config;
  private final KafkaStreams streams;

  private Router(RouterConfig config, KafkaStreams streams) {
    this.config = config;
    this.streams = streams;
  }

  /**
   * Prepares the topics and starts the router; returns without waiting for RUNNING.
   *
   * @param config the config
   * @param listener called on every state change (from a Kafka Streams thread); may be null
   * @return the started router
   * @throws RouterException {@code UNAVAILABLE} when the broker cannot be reached in 60 s,
   *     {@code REJECTED} when the mailbox topic has a different partition count than configured
   */
  public static Router start(RouterConfig config, Consumer<KafkaStreams.State> listener) {
    prepareTopics(config);
    KafkaStreams streams = new KafkaStreams(RouterTopology.build(config), config.streamsProperties());
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("router stream thread failed; replacing it", e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.setStateListener((now, before) -> {
      LOG.info("router {} for namespace {}: {} -> {}", config.instanceId(), config.namespace(), before, now);
      if (listener != null) {
        listener.accept(now);
      }
    });
    streams.start();
    return new Router(config, streams);
  }

  /** Starts the router without a state listener (see {@link #start(RouterConfig, Consumer)}). */
  public static Router start(RouterConfig config) {
    return start(config, null);
  }

  /** The Kafka Streams state of this instance. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Waits until this instance is RUNNING.
   *
   * @param timeout how long to wait
   * @return whether it is RUNNING
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (streams.state() == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling a state Kafka Streams exposes only by query
    }
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /** Number of active tasks on this instance (how much of the work it holds). */
  public int activeTasks() {
    return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
  }

  /** The config this router runs with. */
  public RouterConfig config() {
    return config;
  }

  /**
   * Stops the router, committing its last transaction, and leaves the consumer group so that the
   * other instances (or this one restarted) take its tasks at once instead of after the session
   * timeout; waits up to 30 s.
   */
  @Override
  public void close() {
    streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
  }

  /** The public topics this router reads or writes, besides the per-role event topics. */
  static List<String> topics(String ns) {
    return List.of(Topics.mailbox(ns), Topics.presence(ns), Topics.liveness(ns),
        Topics.subscriptions(ns), Topics.conditionalEvents(ns), Topics.deadLetter(ns),
        Topics.events(ns, RoutedRecords.PRESENCE_ROLE));
  }

  /**
   * The creation requests of the router's {@link #topics} not in {@code existing}: the contract's
   * ({@link TopicSettings#newTopic}), the mailbox with the configured partition count.
   */
  static List<NewTopic> missingTopics(String ns, int mailboxPartitions, Set<String> existing) {
    List<NewTopic> missing = new ArrayList<>();
    for (String t : topics(ns)) {
      if (!existing.contains(t)) {
        missing.add(t.equals(Topics.mailbox(ns))
            ? TopicSettings.forTopic(t).withPartitions(mailboxPartitions).asNewTopic(t)
            : TopicSettings.newTopic(t));
      }
    }
    return missing;
  }

  /** Describes a topic, waiting (bounded) for a just-created topic's metadata to propagate. */
  private static TopicDescription describe(Admin admin, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > end) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(100); // metadata of a new topic reaches the broker shortly
      }
    }
  }

  private static void prepareTopics(RouterConfig config) {
    String ns = config.namespace();
    Map<String, Object> adminConf = new java.util.HashMap<>(config.clientSecurity());
    adminConf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(adminConf)) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = missingTopics(ns, config.mailboxPartitions(), existing);
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      TopicDescription mailbox = describe(admin, Topics.mailbox(ns));
      int actual = mailbox.partitions().size();
      if (actual != config.mailboxPartitions()) {
        throw new RouterException(ErrorCode.REJECTED, "topic " + Topics.mailbox(ns) + " has " + actual
            + " partitions but " + RouterConfig.MAILBOX_PARTITIONS + " is " + config.mailboxPartitions()
            + "; set " + RouterConfig.MAILBOX_PARTITIONS + "=" + actual
            + " so that registrations meet their node's mailbox partition");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RouterException(ErrorCode.CANCELLED, "interrupted while preparing topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new RouterException(ErrorCode.UNAVAILABLE, "cannot prepare the router's topics on "
          + config.bootstrapServers() + ": " + e, e);
    }
  }
}
