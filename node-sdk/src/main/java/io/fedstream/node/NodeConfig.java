package io.fedstream.node;

import io.fedstream.schemas.Topics;
import io.fedstream.node.spi.Interceptor;
import io.fedstream.node.spi.KafkaClientFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration of a {@link Node} or a {@link NodeHost}: one immutable value, every key a
 * constant below with its documentation, default and validator. Unknown keys are rejected,
 * except Kafka client settings passed through: {@code security.*}, {@code sasl.*} and {@code
 * ssl.*} go to every client; {@code producer.*} and {@code consumer.*} (prefix removed) go to the
 * producer or the consumer only.
 *
 * <pre>{@code
 * NodeConfig config = NodeConfig.builder()
 *     .bootstrapServers("localhost:9092")
 *     .registryUrl("http://localhost:8080/apis/ccompat/v7")
 *     .namespace("demo")
 *     .nodeId("server")
 *     .build();
 * }</pre>
 */
public final class NodeConfig {

  /** Kafka bootstrap servers, {@code host:port[,host:port]}. Required. */
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  private static final String BOOTSTRAP_SERVERS_DOC = "Kafka bootstrap servers, host:port[,host:port]. Required.";

  /** Base URL of the Confluent-compatible schema registry. Required. */
  public static final String REGISTRY_URL = "schema.registry.url";
  private static final String REGISTRY_URL_DOC = "Base URL of a Confluent-compatible schema registry,"
      + " for example http://host:8080/apis/ccompat/v7 for Apicurio. Required.";

  /** The namespace (federation); first part of every topic name. Required. */
  public static final String NAMESPACE = "fedstream.namespace";
  private static final String NAMESPACE_DOC = "The namespace (federation): first part of every topic"
      + " name; lower-case letters, digits and hyphens. Required.";

  /** The node id of a standalone {@link Node}. Required for {@link Node#create}; ignored by a host. */
  public static final String NODE_ID = "fedstream.node.id";
  private static final String NODE_ID_DOC = "Id of a standalone node: letters, digits, '.', '_', ':' and '-',"
      + " at most 200 characters. Required by Node.create; a NodeHost takes node ids in addNode.";

  /** Groups a standalone node belongs to. Default none. */
  public static final String GROUPS = "fedstream.groups";
  private static final String GROUPS_DOC = "Comma-separated groups a standalone node belongs to; it reads"
      + " each group's broadcast topic. Default: none.";

  /** Stable id of the host: its consumer group and state files. Default: the node id. */
  public static final String HOST_ID = "fedstream.host.id";
  private static final String HOST_ID_DOC = "Stable id of the host process; names its consumer group"
      + " ({ns}.host.{id}) and state files, so a restarted host resumes where it stopped. Default: the node id;"
      + " required for a NodeHost.";

  /** Payloads larger than this are sent as chunks. Default 1 MiB, at most 3 MiB. */
  public static final String CHUNK_SIZE = "fedstream.chunk.size";
  private static final String CHUNK_SIZE_DOC = "Payloads larger than this many bytes are sent as CHUNK"
      + " records of this size, with a SHA-256. Default 1048576 (1 MiB); 1024 to 3145728.";

  /** How often each node sends a heartbeat. Default 1000 ms. */
  public static final String HEARTBEAT_INTERVAL_MS = "fedstream.heartbeat.interval.ms";
  private static final String HEARTBEAT_INTERVAL_MS_DOC = "How often each node writes its Heartbeat to the"
      + " presence topic, in ms. Default 1000.";

  /** A node without a heartbeat for this long is no longer alive. Default 5000 ms. */
  public static final String LIVENESS_TIMEOUT_MS = "fedstream.liveness.timeout.ms";
  private static final String LIVENESS_TIMEOUT_MS_DOC = "A node whose last heartbeat is older than this many"
      + " ms has left. Must exceed the heartbeat interval. Default 5000.";

  /** Deadline of a request when the call gives none. Default 30000 ms. */
  public static final String REQUEST_TIMEOUT_MS = "fedstream.request.timeout.ms";
  private static final String REQUEST_TIMEOUT_MS_DOC = "Deadline of request, scatter and broadcast gathers"
      + " when the call gives none, in ms. Default 30000.";

  /** Records held in memory per mailbox partition before fetching pauses. Default 1024. */
  public static final String RECEIVE_BUFFER = "fedstream.receive.buffer";
  private static final String RECEIVE_BUFFER_DOC = "Messages held in memory per partition, waiting for a"
      + " subscriber, before the host pauses fetching that partition. Default 1024.";

  /** How many message ids the host remembers to drop redeliveries. Default 100000. */
  public static final String DEDUP_CAPACITY = "fedstream.dedup.capacity";
  private static final String DEDUP_CAPACITY_DOC = "How many recent message ids (per host) are remembered so"
      + " that a redelivered message is not handled twice. Default 100000.";

  /** Directory of the host's state (seen message ids) that survives restarts. Default none. */
  public static final String STATE_DIR = "fedstream.state.dir";
  private static final String STATE_DIR_DOC = "Directory where the host journals the ids of handled messages,"
      + " so that a restarted host does not handle them again. Default: none (memory only).";

  /** Directory where chunked payloads are reassembled. Default: the JVM's temp directory. */
  public static final String TRANSFER_DIR = "fedstream.transfer.dir";
  private static final String TRANSFER_DIR_DOC = "Directory where chunked payloads are reassembled into"
      + " files. Default: java.io.tmpdir.";

  /** Where a host without a committed position starts reading the mailbox. Default earliest. */
  public static final String MAILBOX_RESET = "fedstream.mailbox.reset";
  private static final String MAILBOX_RESET_DOC = "Where a host with no committed position starts reading"
      + " the mailbox: 'earliest' (messages sent before the node first started are delivered) or 'latest'."
      + " Default earliest. Group topics always start at the end.";

  /** How often processed positions are committed (asynchronously). Default 500 ms. */
  public static final String COMMIT_INTERVAL_MS = "fedstream.commit.interval.ms";
  private static final String COMMIT_INTERVAL_MS_DOC = "How often the host commits the positions of"
      + " processed messages, asynchronously, in ms. Default 500.";

  /** Producer linger; low for request/reply latency. Default 0 ms. */
  public static final String LINGER_MS = "fedstream.linger.ms";
  private static final String LINGER_MS_DOC = "The producer's linger.ms. Default 0, for request/reply"
      + " latency; raise it for throughput.";

  /** Threads that deliver messages to subscribers and handlers. Default 4. */
  public static final String DELIVERY_THREADS = "fedstream.delivery.threads";
  private static final String DELIVERY_THREADS_DOC = "At most this many threads deliver messages to"
      + " subscribers and handlers. Default 4.";

  /** Threads that run serve handlers (see {@link ServeOptions}). Default 64, started on demand. */
  public static final String HANDLER_THREADS = "fedstream.handler.threads";
  private static final String HANDLER_THREADS_DOC = "At most this many threads run serve handlers (those not"
      + " on the poll thread, see ServeOptions); they are started on demand and end when idle. Messages from one"
      + " caller to one node are handled one at a time, in order; a blocking handler holds one thread.";

  /**
   * Which topics the namespace uses: {@code shared} (default) or {@code per-site} (a secured
   * namespace). Part of the namespace's configuration, not of a node's code: {@code fedstream site
   * add} writes {@code per-site} into the site's kit ({@code site.properties}).
   */
  public static final String TOPIC_LAYOUT = "fedstream.topic.layout";
  private static final String TOPIC_LAYOUT_DOC = "The namespace's topic layout (schemas/TOPICS.md): 'shared' (default:"
      + " one mailbox, a topic per group, the presence topic; topics created on demand) or 'per-site' (a secured"
      + " namespace: a node is a site and reads its own {ns}.site.{id}.mail, a group is a project with its"
      + " {ns}.project.{p}.broadcast, presence comes from the router's sites and projects records; nothing is"
      + " created). Written into a site's kit by 'fedstream site add'; not something a node's code chooses.";

  /** Prefixes passed through to every Kafka client. */
  public static final List<String> SECURITY_PREFIXES = List.of("security.", "sasl.", "ssl.");
  /** Prefix of settings passed to the producer only (prefix removed). */
  public static final String PRODUCER_PREFIX = "producer.";
  /** Prefix of settings passed to the consumer only (prefix removed). */
  public static final String CONSUMER_PREFIX = "consumer.";

  private static final Pattern NODE_ID_PATTERN = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

  private static final ConfigDef.Validator NAME = (name, value) -> {
    try {
      Topics.requireName(name, (String) value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
  };
  private static final ConfigDef.Validator OPTIONAL_ID = (name, value) -> {
    String s = (String) value;
    if (s != null && !s.isEmpty() && !NODE_ID_PATTERN.matcher(s).matches()) {
      throw new ConfigException(name, value, "use letters, digits, '.', '_', ':' and '-', at most 200");
    }
  };
  private static final ConfigDef.Validator GROUP_LIST = (name, value) -> {
    for (Object g : (List<?>) value) {
      try {
        Topics.requireName("group", (String) g);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }
  };
  private static final ConfigDef.Validator NON_EMPTY = new ConfigDef.NonEmptyString();

  private static final ConfigDef DEF = new ConfigDef()
      .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, NON_EMPTY, Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
      .define(REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, NON_EMPTY, Importance.HIGH, REGISTRY_URL_DOC)
      .define(NAMESPACE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, NAME, Importance.HIGH, NAMESPACE_DOC)
      .define(NODE_ID, Type.STRING, "", OPTIONAL_ID, Importance.HIGH, NODE_ID_DOC)
      .define(GROUPS, Type.LIST, List.of(), GROUP_LIST, Importance.MEDIUM, GROUPS_DOC)
      .define(HOST_ID, Type.STRING, "", OPTIONAL_ID, Importance.MEDIUM, HOST_ID_DOC)
      .define(CHUNK_SIZE, Type.INT, 1024 * 1024, Range.between(1024, 3 * 1024 * 1024), Importance.MEDIUM, CHUNK_SIZE_DOC)
      .define(HEARTBEAT_INTERVAL_MS, Type.INT, 1000, Range.between(10, 3_600_000), Importance.MEDIUM, HEARTBEAT_INTERVAL_MS_DOC)
      .define(LIVENESS_TIMEOUT_MS, Type.INT, 5000, Range.between(20, 86_400_000), Importance.MEDIUM, LIVENESS_TIMEOUT_MS_DOC)
      .define(REQUEST_TIMEOUT_MS, Type.LONG, 30_000L, Range.between(1, 86_400_000L * 7), Importance.MEDIUM, REQUEST_TIMEOUT_MS_DOC)
      .define(RECEIVE_BUFFER, Type.INT, 1024, Range.between(1, 1_000_000), Importance.LOW, RECEIVE_BUFFER_DOC)
      .define(DEDUP_CAPACITY, Type.INT, 100_000, Range.between(1, 100_000_000), Importance.LOW, DEDUP_CAPACITY_DOC)
      .define(STATE_DIR, Type.STRING, "", Importance.LOW, STATE_DIR_DOC)
      .define(TRANSFER_DIR, Type.STRING, "", Importance.LOW, TRANSFER_DIR_DOC)
      .define(MAILBOX_RESET, Type.STRING, "earliest", ValidString.in("earliest", "latest"), Importance.LOW, MAILBOX_RESET_DOC)
      .define(TOPIC_LAYOUT, Type.STRING, "shared", ValidString.in("shared", "per-site"), Importance.MEDIUM,
          TOPIC_LAYOUT_DOC)
      .define(COMMIT_INTERVAL_MS, Type.INT, 500, Range.between(1, 600_000), Importance.LOW, COMMIT_INTERVAL_MS_DOC)
      .define(LINGER_MS, Type.INT, 0, Range.between(0, 60_000), Importance.LOW, LINGER_MS_DOC)
      .define(DELIVERY_THREADS, Type.INT, 4, Range.between(1, 1024), Importance.LOW, DELIVERY_THREADS_DOC)
      .define(HANDLER_THREADS, Type.INT, 64, Range.between(1, 4096), Importance.LOW, HANDLER_THREADS_DOC);

  private final Map<String, Object> values;
  private final Map<String, Object> passthrough;
  private final MeterRegistry meterRegistry;
  private final List<Interceptor> interceptors;
  private final KafkaClientFactory clientFactory;

  private NodeConfig(Map<String, ?> originals, MeterRegistry meterRegistry) {
    this(originals, meterRegistry, List.of(), KafkaClientFactory.kafka());
  }

  private NodeConfig(Map<String, ?> originals, MeterRegistry meterRegistry, List<Interceptor> interceptors,
      KafkaClientFactory clientFactory) {
    Map<String, Object> known = new LinkedHashMap<>();
    Map<String, Object> pass = new LinkedHashMap<>();
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, ?> e : originals.entrySet()) {
      String k = e.getKey();
      if (DEF.names().contains(k)) {
        known.put(k, e.getValue());
      } else if (isPassthrough(k)) {
        pass.put(k, e.getValue());
      } else {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("Unknown config keys " + unknown + ". Known keys: " + new TreeSet<>(DEF.names())
          + ", plus Kafka client settings prefixed security., sasl., ssl., producer. or consumer.");
    }
    try {
      this.values = Collections.unmodifiableMap(DEF.parse(known));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Invalid node config: " + e.getMessage(), e);
    }
    if (livenessTimeoutMs() <= heartbeatIntervalMs()) {
      throw new IllegalArgumentException(LIVENESS_TIMEOUT_MS + " (" + livenessTimeoutMs() + ") must be greater than "
          + HEARTBEAT_INTERVAL_MS + " (" + heartbeatIntervalMs() + "); use at least three intervals.");
    }
    this.passthrough = Collections.unmodifiableMap(pass);
    this.meterRegistry = meterRegistry;
    this.interceptors = List.copyOf(interceptors);
    this.clientFactory = clientFactory;
  }

  private static boolean isPassthrough(String key) {
    for (String p : SECURITY_PREFIXES) {
      if (key.startsWith(p)) {
        return true;
      }
    }
    return key.startsWith(PRODUCER_PREFIX) || key.startsWith(CONSUMER_PREFIX);
  }

  /**
   * A config from key/values (strings or typed values).
   *
   * @throws IllegalArgumentException naming unknown keys, missing required keys or invalid values
   */
  public static NodeConfig of(Map<String, ?> values) {
    return new NodeConfig(values, null);
  }

  /** A builder; {@link Builder#build()} validates. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's settings, to derive another config. */
  public Builder toBuilder() {
    Builder b = new Builder();
    values.forEach((k, v) -> b.values.put(k, v));
    b.values.putAll(passthrough);
    b.meterRegistry = meterRegistry;
    b.interceptors.addAll(interceptors);
    b.clientFactory = clientFactory;
    return b;
  }

  /** Every key this config knows, with its documentation: for docs and tests. */
  public static Map<String, String> documentation() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ConfigDef.ConfigKey k : DEF.configKeys().values()) {
      out.put(k.name, k.documentation);
    }
    return out;
  }

  /** {@value #BOOTSTRAP_SERVERS}. */
  public String bootstrapServers() {
    return (String) values.get(BOOTSTRAP_SERVERS);
  }

  /** {@value #REGISTRY_URL}. */
  public String registryUrl() {
    return (String) values.get(REGISTRY_URL);
  }

  /** {@value #NAMESPACE}, normalised (underscores become hyphens). */
  public String namespace() {
    return Topics.requireName("namespace", (String) values.get(NAMESPACE));
  }

  /** {@value #NODE_ID}; empty when not set. */
  public String nodeId() {
    return (String) values.get(NODE_ID);
  }

  /** {@value #GROUPS}, normalised. */
  public List<String> groups() {
    List<String> out = new ArrayList<>();
    for (Object g : (List<?>) values.get(GROUPS)) {
      out.add(Topics.requireName("group", (String) g));
    }
    return List.copyOf(out);
  }

  /** {@value #HOST_ID}, falling back to the node id; empty when neither is set. */
  public String hostId() {
    String h = (String) values.get(HOST_ID);
    return h.isEmpty() ? nodeId() : h;
  }

  /** {@value #CHUNK_SIZE}. */
  public int chunkSize() {
    return (Integer) values.get(CHUNK_SIZE);
  }

  /** {@value #HEARTBEAT_INTERVAL_MS}. */
  public int heartbeatIntervalMs() {
    return (Integer) values.get(HEARTBEAT_INTERVAL_MS);
  }

  /** {@value #LIVENESS_TIMEOUT_MS}. */
  public int livenessTimeoutMs() {
    return (Integer) values.get(LIVENESS_TIMEOUT_MS);
  }

  /** {@value #REQUEST_TIMEOUT_MS}. */
  public long requestTimeoutMs() {
    return (Long) values.get(REQUEST_TIMEOUT_MS);
  }

  /** {@value #RECEIVE_BUFFER}. */
  public int receiveBuffer() {
    return (Integer) values.get(RECEIVE_BUFFER);
  }

  /** {@value #DEDUP_CAPACITY}. */
  public int dedupCapacity() {
    return (Integer) values.get(DEDUP_CAPACITY);
  }

  /** {@value #STATE_DIR}; empty when not set. */
  public String stateDir() {
    return (String) values.get(STATE_DIR);
  }

  /** {@value #TRANSFER_DIR}, or java.io.tmpdir when not set. */
  public String transferDir() {
    String d = (String) values.get(TRANSFER_DIR);
    return d.isEmpty() ? System.getProperty("java.io.tmpdir") : d;
  }

  /** {@value #MAILBOX_RESET}. */
  public String mailboxReset() {
    return (String) values.get(MAILBOX_RESET);
  }

  /** {@value #TOPIC_LAYOUT}: {@code shared} or {@code per-site}. */
  public String topicLayout() {
    return (String) values.get(TOPIC_LAYOUT);
  }

  /** {@value #COMMIT_INTERVAL_MS}. */
  public int commitIntervalMs() {
    return (Integer) values.get(COMMIT_INTERVAL_MS);
  }

  /** {@value #LINGER_MS}. */
  public int lingerMs() {
    return (Integer) values.get(LINGER_MS);
  }

  /** {@value #DELIVERY_THREADS}. */
  public int deliveryThreads() {
    return (Integer) values.get(DELIVERY_THREADS);
  }

  /** Kafka client settings passed through ({@code security.*}, {@code sasl.*}, {@code ssl.*}, {@code producer.*}, {@code consumer.*}). */
  public Map<String, Object> clientSettings() {
    return passthrough;
  }

  /** {@value #HANDLER_THREADS}. */
  public int handlerThreads() {
    return (Integer) values.get(HANDLER_THREADS);
  }

  /** The interceptors of every node of a host made from this config, in order; unmodifiable. */
  public List<Interceptor> interceptors() {
    return interceptors;
  }

  /** Where the host gets its Kafka clients; {@link KafkaClientFactory#kafka()} unless set. */
  public KafkaClientFactory clientFactory() {
    return clientFactory;
  }

  /** The meter registry metrics go to; null means the host keeps its own simple registry. */
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  @Override
  public String toString() {
    Map<String, Object> shown = new LinkedHashMap<>(values);
    passthrough.forEach((k, v) -> shown.put(k, k.contains("password") || k.contains("jaas") ? "[hidden]" : v));
    return "NodeConfig" + shown;
  }

  /** Builds a {@link NodeConfig}. */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private MeterRegistry meterRegistry;
    private final List<Interceptor> interceptors = new java.util.ArrayList<>();
    private KafkaClientFactory clientFactory = KafkaClientFactory.kafka();

    private Builder() {
    }

    /** Sets any key (a constant of {@link NodeConfig} or a pass-through client setting). */
    public Builder set(String key, Object value) {
      values.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    /** Sets {@value NodeConfig#BOOTSTRAP_SERVERS}. */
    public Builder bootstrapServers(String servers) {
      return set(BOOTSTRAP_SERVERS, servers);
    }

    /** Sets {@value NodeConfig#REGISTRY_URL}. */
    public Builder registryUrl(String url) {
      return set(REGISTRY_URL, url);
    }

    /** Sets {@value NodeConfig#NAMESPACE}. */
    public Builder namespace(String namespace) {
      return set(NAMESPACE, namespace);
    }

    /** Sets {@value NodeConfig#NODE_ID}. */
    public Builder nodeId(String nodeId) {
      return set(NODE_ID, nodeId);
    }

    /** Sets {@value NodeConfig#GROUPS}. */
    public Builder groups(String... groups) {
      return set(GROUPS, List.of(groups));
    }

    /** Sets {@value NodeConfig#HOST_ID}. */
    public Builder hostId(String hostId) {
      return set(HOST_ID, hostId);
    }

    /**
     * Adds an interceptor of every message of every node of the host (before the node's own, see
     * {@link NodeSpec.Builder#interceptor}); see {@link Interceptor} for what it sees and may change.
     */
    public Builder interceptor(Interceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Where the host gets its producer, consumer and topics. Default {@link
     * KafkaClientFactory#kafka()}; tests use in-memory clients (test-kit's {@code MockKafka}).
     */
    public Builder clientFactory(KafkaClientFactory factory) {
      this.clientFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Metrics go to this registry. Default: a simple in-memory registry owned by the host. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /**
     * Builds the config.
     *
     * @throws IllegalArgumentException naming unknown keys, missing required keys or invalid values
     */
    public NodeConfig build() {
      return new NodeConfig(values, meterRegistry, interceptors, clientFactory);
    }
  }
}
