package io.fedstream.router;

import io.fedstream.avro.ErrorCode;
import io.fedstream.schemas.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The router's one configuration: every key is a constant below, with its documentation, default
 * and validator in {@link #definition()}. Keys the definition does not know are rejected, except
 * keys starting with {@value #STREAMS_PREFIX}, which are passed (without the prefix) to Kafka
 * Streams as they are, for tuning that FedStream does not need to understand (for example
 * {@code streams.metadata.max.age.ms}). FedStream's own choices — {@code exactly_once_v2}, the
 * application id, the exception handlers — cannot be overridden that way.
 *
 * <p>Instances are immutable. The router's {@link RouterTopology topology} is a pure function of
 * this object.
 */
public final class RouterConfig {

  /** Prefix of keys passed through to Kafka Streams. */
  public static final String STREAMS_PREFIX = "streams.";

  /**
   * Prefixes of Kafka client security settings ({@code security.protocol}, {@code sasl.*},
   * {@code ssl.*}) passed as they are to every client of the router: Kafka Streams' clients, the
   * admin client that prepares topics and the dead-letter producer. Default: none (PLAINTEXT).
   */
  public static final java.util.List<String> SECURITY_PREFIXES = java.util.List.of("security.", "sasl.", "ssl.");

  /** Kafka bootstrap servers ({@code host:port,...}). Required. */
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  private static final String BOOTSTRAP_SERVERS_DOC = "Kafka bootstrap servers, host:port[,host:port...].";

  /** Base URL of the Confluent-compatible schema registry. Required. */
  public static final String REGISTRY_URL = "fedstream.registry.url";
  private static final String REGISTRY_URL_DOC = "Base URL of a Confluent-compatible schema registry"
      + " (for Apicurio: http://host:port/apis/ccompat/v7).";

  /** The namespace (federation) this router serves; one router serves one namespace. Required. */
  public static final String NAMESPACE = "fedstream.namespace";
  private static final String NAMESPACE_DOC = "The namespace (federation) this router serves. The"
      + " Kafka Streams application id is fedstream-router-<namespace>.";

  /** Directory of the local state stores and of the {@code ready} file. */
  public static final String STATE_DIR = "state.dir";
  private static final String STATE_DIR_DOC = "Directory for local state; RouterMain creates"
      + " <state.dir>/ready while the router is RUNNING.";

  /** Name of this router instance, written into dead-letter headers. */
  public static final String INSTANCE_ID = "fedstream.router.instance.id";
  private static final String INSTANCE_ID_DOC = "Name of this router instance, written into the"
      + " fedstream.dlq.by header of records it dead-letters.";

  /** Stream threads per router instance. */
  public static final String NUM_STREAM_THREADS = "num.stream.threads";
  private static final String NUM_STREAM_THREADS_DOC = "Kafka Streams threads in this instance.";

  /** Transaction commit interval. */
  public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
  private static final String COMMIT_INTERVAL_MS_DOC = "How often the router commits its"
      + " exactly-once transaction; outputs become visible to read_committed readers then.";

  /** Replication factor of the router's internal topics. */
  public static final String REPLICATION_FACTOR = "replication.factor";
  private static final String REPLICATION_FACTOR_DOC = "Replication factor of the router's internal"
      + " (repartition and changelog) topics; -1 means the broker's default.";

  /** Partitions of the internal topics that co-locate events with their channel's subscriptions. */
  public static final String CHANNEL_PARTITIONS = "fedstream.router.channel.partitions";
  private static final String CHANNEL_PARTITIONS_DOC = "Partitions of the internal topics that"
      + " re-key events and subscriptions by channel; the upper bound of parallel tasks for events.";

  /** Partition count of the mailbox topic; the register table is co-partitioned with it. */
  public static final String MAILBOX_PARTITIONS = "fedstream.router.mailbox.partitions";
  private static final String MAILBOX_PARTITIONS_DOC = "Partition count of <ns>.mailbox. The"
      + " register table re-keys registrations by node id into this many partitions so that they"
      + " meet the node's mailbox records; the router refuses to start when the topic differs.";

  /** Wall-clock interval of the presence check (and of re-evaluating {@code %} registrations). */
  public static final String PRESENCE_CHECK_INTERVAL_MS = "fedstream.presence.check.interval.ms";
  private static final String PRESENCE_CHECK_INTERVAL_MS_DOC = "Wall-clock interval at which the"
      + " router turns silent nodes SUSPECT or GONE, and re-evaluates registrations with % amounts.";

  /** A node is GONE after this many heartbeat timeouts without a heartbeat. */
  public static final String PRESENCE_GONE_AFTER_TIMEOUTS = "fedstream.presence.gone.after.timeouts";
  private static final String PRESENCE_GONE_AFTER_TIMEOUTS_DOC = "A node is SUSPECT after one"
      + " heartbeat timeout (its own timeoutMs) without a heartbeat, and GONE after this many.";

  /** Largest total size of messages embedded in one trigger; beyond it messages go as references. */
  public static final String TRIGGER_MAX_EMBEDDED_BYTES = "fedstream.router.trigger.max.embedded.bytes";
  private static final String TRIGGER_MAX_EMBEDDED_BYTES_DOC = "Gathered messages are embedded in a"
      + " trigger until their total size reaches this; the rest travel as references"
      + " (topic/partition/offset) so that a trigger stays under the 4 MiB record limit.";

  /** Kind of local state store: {@code rocksdb} or {@code in-memory}; both are changelogged. */
  public static final String STATE_STORE = "fedstream.router.state.store";
  private static final String STATE_STORE_DOC = "Local state stores: rocksdb (default; state larger"
      + " than memory, fast restart from local files) or in-memory (restored from the changelog on"
      + " every start; for small deployments and measurements).";

  private static final ConfigDef DEFINITION = new ConfigDef()
      .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
          Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
      .define(REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
          Importance.HIGH, REGISTRY_URL_DOC)
      .define(NAMESPACE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, RouterConfig::validateNamespace,
          Importance.HIGH, NAMESPACE_DOC)
      .define(STATE_DIR, Type.STRING,
          Path.of(System.getProperty("java.io.tmpdir"), "fedstream-router").toString(),
          new ConfigDef.NonEmptyString(), Importance.HIGH, STATE_DIR_DOC)
      .define(INSTANCE_ID, Type.STRING, "router", new ConfigDef.NonEmptyString(), Importance.LOW,
          INSTANCE_ID_DOC)
      .define(NUM_STREAM_THREADS, Type.INT, 1, Range.between(1, 64), Importance.MEDIUM,
          NUM_STREAM_THREADS_DOC)
      .define(COMMIT_INTERVAL_MS, Type.LONG, 100L, Range.between(1, 60_000), Importance.MEDIUM,
          COMMIT_INTERVAL_MS_DOC)
      .define(REPLICATION_FACTOR, Type.INT, -1, Range.between(-1, 32), Importance.MEDIUM,
          REPLICATION_FACTOR_DOC)
      .define(CHANNEL_PARTITIONS, Type.INT, 6, Range.between(1, 10_000), Importance.MEDIUM,
          CHANNEL_PARTITIONS_DOC)
      .define(MAILBOX_PARTITIONS, Type.INT, 16, Range.between(1, 10_000), Importance.MEDIUM,
          MAILBOX_PARTITIONS_DOC)
      .define(PRESENCE_CHECK_INTERVAL_MS, Type.LONG, 1000L, Range.between(10, 600_000),
          Importance.MEDIUM, PRESENCE_CHECK_INTERVAL_MS_DOC)
      .define(PRESENCE_GONE_AFTER_TIMEOUTS, Type.INT, 3, Range.between(1, 1000), Importance.MEDIUM,
          PRESENCE_GONE_AFTER_TIMEOUTS_DOC)
      .define(STATE_STORE, Type.STRING, "rocksdb", ConfigDef.ValidString.in("rocksdb", "in-memory"),
          Importance.LOW, STATE_STORE_DOC)
      .define(TRIGGER_MAX_EMBEDDED_BYTES, Type.INT, 3 * 1024 * 1024, Range.between(0, 64 * 1024 * 1024),
          Importance.LOW, TRIGGER_MAX_EMBEDDED_BYTES_DOC);

  static {
    // The routing server's keys (sites, projects, runs): docs/projects.md.
    io.fedstream.router.internal.projects.ProjectsSettings.define(DEFINITION);
  }

  private final Map<String, Object> originals;
  private final Values values;

  private RouterConfig(Map<String, ?> props) {
    Map<String, Object> copy = new HashMap<>(props);
    TreeSet<String> unknown = new TreeSet<>();
    for (String k : copy.keySet()) {
      if (!DEFINITION.names().contains(k) && !k.startsWith(STREAMS_PREFIX) && !isSecurity(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException("Unknown router config key(s) " + unknown + ". Known keys: "
          + new TreeSet<>(DEFINITION.names()) + "; Kafka Streams settings go with the prefix '"
          + STREAMS_PREFIX + "'; client security settings start with security., sasl. or ssl.");
    }
    this.originals = Map.copyOf(copy);
    this.values = new Values(copy);
  }

  private static final class Values extends AbstractConfig {
    Values(Map<?, ?> props) {
      super(DEFINITION, props, false);
    }
  }

  /**
   * Builds a configuration from key/value pairs.
   *
   * @param props the settings; values may be strings or typed values
   * @return the validated configuration
   * @throws ConfigException naming the key when a key is unknown, a required key is missing or a
   *     value is invalid
   */
  public static RouterConfig of(Map<String, ?> props) {
    return new RouterConfig(props);
  }

  /**
   * Settings for a router beside one broker on one machine: the embedded platform's demos and the
   * tests. Replication factor 1, in-memory state stores, topic metadata refreshed every second,
   * and a stream thread that dies is noticed within 6 s (session timeout 6 s, heartbeat 1 s), so
   * a restarted router takes its tasks back quickly. The map is mutable: add or replace keys
   * before {@link #of}.
   *
   * @param bootstrapServers the broker's {@code host:port}
   * @param registryUrl the schema registry's Confluent-compatible base URL
   * @param namespace the namespace the router serves
   * @param stateDir the directory of its state and {@code ready} file
   * @return the settings, not yet validated
   */
  public static Map<String, Object> singleBroker(String bootstrapServers, String registryUrl, String namespace,
      Path stateDir) {
    Map<String, Object> m = new HashMap<>();
    m.put(BOOTSTRAP_SERVERS, bootstrapServers);
    m.put(REGISTRY_URL, registryUrl);
    m.put(NAMESPACE, namespace);
    m.put(STATE_DIR, stateDir.toString());
    m.put(REPLICATION_FACTOR, "1");
    m.put(STATE_STORE, "in-memory");
    m.put(STREAMS_PREFIX + "metadata.max.age.ms", "1000");
    m.put(STREAMS_PREFIX + "consumer.session.timeout.ms", "6000");
    m.put(STREAMS_PREFIX + "consumer.heartbeat.interval.ms", "1000");
    return m;
  }

  /**
   * Reads a {@code .properties} file (UTF-8).
   *
   * @param file the file
   * @return the validated configuration
   * @throws ConfigException when the file has an invalid setting
   * @throws RouterException with code {@code NOT_FOUND} when the file cannot be read
   */
  public static RouterConfig load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new RouterException(ErrorCode.NOT_FOUND, "cannot read router config " + file + ": " + e, e);
    }
    Map<String, Object> m = new HashMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
    return of(m);
  }

  /** The definition of every key: name, type, default, validator and documentation. */
  public static ConfigDef definition() {
    return DEFINITION;
  }

  private static boolean isSecurity(String key) {
    return SECURITY_PREFIXES.stream().anyMatch(key::startsWith);
  }

  /**
   * The Kafka client security settings given ({@code security.*}, {@code sasl.*}, {@code ssl.*}),
   * for every client the router makes; empty for a plain broker.
   */
  public Map<String, Object> clientSecurity() {
    Map<String, Object> m = new java.util.TreeMap<>();
    originals.forEach((k, v) -> {
      if (isSecurity(k)) {
        m.put(k, v);
      }
    });
    return m;
  }

  /** The settings as given (including {@value #STREAMS_PREFIX} pass-through keys). */
  public Map<String, Object> originals() {
    return originals;
  }

  /** Value of {@link #NAMESPACE}, normalised. */
  public String namespace() {
    return Topics.requireName("namespace", values.getString(NAMESPACE));
  }

  /** The Kafka Streams application id: {@code fedstream-router-<namespace>}. */
  public String applicationId() {
    return "fedstream-router-" + namespace();
  }

  /** Value of {@link #BOOTSTRAP_SERVERS}. */
  public String bootstrapServers() {
    return values.getString(BOOTSTRAP_SERVERS);
  }

  /** Value of {@link #REGISTRY_URL}. */
  public String registryUrl() {
    return values.getString(REGISTRY_URL);
  }

  /** Value of {@link #STATE_DIR}. */
  public Path stateDir() {
    return Path.of(values.getString(STATE_DIR));
  }

  /** Value of {@link #INSTANCE_ID}. */
  public String instanceId() {
    return values.getString(INSTANCE_ID);
  }

  /** Value of {@link #CHANNEL_PARTITIONS}. */
  public int channelPartitions() {
    return values.getInt(CHANNEL_PARTITIONS);
  }

  /** Value of {@link #MAILBOX_PARTITIONS}. */
  public int mailboxPartitions() {
    return values.getInt(MAILBOX_PARTITIONS);
  }

  /** Value of {@link #PRESENCE_CHECK_INTERVAL_MS}. */
  public long presenceCheckIntervalMs() {
    return values.getLong(PRESENCE_CHECK_INTERVAL_MS);
  }

  /** Value of {@link #PRESENCE_GONE_AFTER_TIMEOUTS}. */
  public int presenceGoneAfterTimeouts() {
    return values.getInt(PRESENCE_GONE_AFTER_TIMEOUTS);
  }

  /** Whether {@link #STATE_STORE} is {@code in-memory}. */
  public boolean inMemoryStores() {
    return "in-memory".equals(values.getString(STATE_STORE));
  }

  /** Value of {@link #TRIGGER_MAX_EMBEDDED_BYTES}. */
  public int triggerMaxEmbeddedBytes() {
    return values.getInt(TRIGGER_MAX_EMBEDDED_BYTES);
  }

  /**
   * The Kafka Streams properties: pass-through keys first, then FedStream's fixed choices
   * ({@code exactly_once_v2}, application id, exception handlers, serdes) on top.
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    originals.forEach((k, v) -> {
      if (k.startsWith(STREAMS_PREFIX)) {
        p.put(k.substring(STREAMS_PREFIX.length()), v);
      }
    });
    p.putAll(clientSecurity());
    // The events topics are read by pattern: a new role's topic is found at the next metadata
    // refresh. 2 s (Kafka's default is 5 minutes) keeps a new role's first events from waiting long;
    // they are read from the topic's beginning once found, so they are late, never lost.
    p.putIfAbsent(StreamsConfig.consumerPrefix("metadata.max.age.ms"), "2000");
    // A router instance that dies (or is killed while its broker stops) holds its tasks until its
    // session times out; 10 s instead of Kafka's 45 s keeps failover and restarts quick.
    p.putIfAbsent(StreamsConfig.consumerPrefix("session.timeout.ms"), "10000");
    p.putIfAbsent(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), "3000");
    // A router that stops cleanly leaves the group, so the next start (or the other instance) need
    // not wait out its session. Streams keeps dynamic members in the group on close by default, and
    // close's leaveGroup option alone did not make the member leave on Kafka 4.1 (measured: a
    // restart waited ~8 s for the old member's session to end).
    p.putIfAbsent(StreamsConfig.consumerPrefix("internal.leave.group.on.close"), "true");
    p.putIfAbsent(StreamsConfig.producerPrefix("max.request.size"),
        Integer.toString(io.fedstream.schemas.TopicSettings.MAX_MESSAGE_BYTES + 64 * 1024));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir().toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, values.getInt(NUM_STREAM_THREADS));
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, values.getLong(COMMIT_INTERVAL_MS));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, values.getInt(REPLICATION_FACTOR));
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        io.fedstream.router.internal.DeadLetterHandlers.Deserialization.class.getName());
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        io.fedstream.router.internal.DeadLetterHandlers.Production.class.getName());
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        io.fedstream.router.internal.DeadLetterHandlers.Processing.class.getName());
    // The handlers dead-letter with their own producer and need to know where.
    p.put(NAMESPACE, namespace());
    p.put(INSTANCE_ID, instanceId());
    return p;
  }

  private static void validateNamespace(String name, Object value) {
    if (value == null) {
      throw new ConfigException(name, null, "namespace required.");
    }
    try {
      Topics.requireName("namespace", value.toString());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "RouterConfig" + new java.util.TreeMap<>(originals);
  }
}
