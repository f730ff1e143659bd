package io.fedstream.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one node) running in a child JVM
 * built from the Maven Central jars ({@code kafka_2.13} must be on the class path given to it).
 *
 * <p>Layout of the data directory:
 * <pre>
 *   &lt;data-dir&gt;/kafka/server.properties   written from the broker-config template on each start
 *   &lt;data-dir&gt;/kafka/data/                the partitions; formatted by Kafka's storage tool on first start
 *   &lt;data-dir&gt;/logs/broker.log            the broker's output
 * </pre>
 *
 * <p>Use: {@code EmbeddedBroker b = EmbeddedBroker.builder(dir).build(); b.start(); b.awaitReady();}
 * and {@link #close()} when done. A data directory that is already formatted is started as it is,
 * with its topics.
 */
public final class EmbeddedBroker implements AutoCloseable {

  /** Default client port. */
  public static final int DEFAULT_KAFKA_PORT = 9092;
  /** Default controller port. */
  public static final int DEFAULT_CONTROLLER_PORT = 9093;
  /** Class path resource of the single-node template. */
  public static final String TEMPLATE = "/io/fedstream/platform/server.properties";
  /** Main class of the broker. */
  public static final String KAFKA_MAIN = "kafka.Kafka";
  /** Main class of the storage tool. */
  public static final String STORAGE_TOOL_MAIN = "kafka.tools.StorageTool";
  /** JVM options of the broker unless {@link Builder#jvmOptions} replaces them. */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
      "-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true");

  private final Path dataDir;
  private final int requestedKafkaPort;
  private final int requestedControllerPort;
  private final String classpath;
  private final List<String> jvmOptions;
  private final Duration readyTimeout;
  private final boolean detached;
  private final Map<String, String> overrides;
  private final boolean classDataSharing;
  private final BrokerSecurity security;

  private int kafkaPort;
  private int controllerPort;
  private Process process;

  private EmbeddedBroker(Builder b) {
    this.dataDir = b.dataDir.toAbsolutePath().normalize();
    this.requestedKafkaPort = b.kafkaPort;
    this.requestedControllerPort = b.controllerPort;
    this.classpath = b.classpath;
    this.jvmOptions = List.copyOf(b.jvmOptions);
    this.readyTimeout = b.readyTimeout;
    this.detached = b.detached;
    this.overrides = Map.copyOf(b.overrides);
    this.classDataSharing = b.classDataSharing;
    this.security = b.security;
  }

  /**
   * Starts building a broker.
   *
   * @param dataDir the data directory (created if missing); required
   * @return a builder; defaults: ports 9092 and 9093, this JVM's class path, 60 s to become ready,
   *     not detached
   */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /**
   * Checks the ports, formats the storage on first use, and starts the broker's JVM. Returns as soon
   * as the process runs; call {@link #awaitReady()} to wait until it serves clients.
   *
   * @return this broker
   * @throws PlatformException {@code PORT_IN_USE} naming a taken port, {@code FORMAT_FAILED},
   *     {@code START_FAILED}, or {@code IO}
   */
  public synchronized EmbeddedBroker start() {
    if (process != null) {
      throw new IllegalStateException("broker already started");
    }
    kafkaPort = Ports.resolve(requestedKafkaPort, "Kafka broker (--kafka-port)");
    controllerPort = Ports.resolve(requestedControllerPort, "Kafka controller (--controller-port)");
    if (kafkaPort == controllerPort) {
      throw new PlatformException(PlatformException.BAD_CONFIG,
          "--kafka-port and --controller-port are both " + kafkaPort + "; they must differ.");
    }
    Path props = writeProperties();
    if (!isFormatted(storageDir())) {
      format(props);
    }
    process = ChildJvm.builder(KAFKA_MAIN)
        .classpath(classpath)
        .jvmOptions(jvmOptions())
        .args(List.of(props.toString()))
        .logFile(logFile())
        .detached(detached)
        .build()
        .start();
    return this;
  }

  /**
   * Waits until the broker answers a describe-cluster request, failing early if its process exits.
   *
   * @return this broker
   * @throws PlatformException {@code START_FAILED} (with the end of the log) if the process exits,
   *     {@code NOT_READY} if the ready timeout passes
   */
  public EmbeddedBroker awaitReady() {
    if (process == null) {
      throw new IllegalStateException("call start() first");
    }
    BrokerProbe.awaitReady(bootstrapServers(), readyTimeout, process.toHandle(), logFile(),
        security == null ? Map.of() : security.clientProperties(security.admin()));
    return this;
  }

  /** The security material of a secured broker; null for a plain one. */
  public BrokerSecurity security() {
    return security;
  }

  /** {@code 127.0.0.1:<kafka port>}; valid after {@link #start()}. */
  public String bootstrapServers() {
    return Ports.LOOPBACK + ":" + kafkaPort;
  }

  /** The client port (resolved if 0 was asked); valid after {@link #start()}. */
  public int kafkaPort() {
    return kafkaPort;
  }

  /** The controller port (resolved if 0 was asked); valid after {@link #start()}. */
  public int controllerPort() {
    return controllerPort;
  }

  /** The data directory, absolute. */
  public Path dataDir() {
    return dataDir;
  }

  /** The broker's log file. */
  public Path logFile() {
    return dataDir.resolve("logs").resolve("broker.log");
  }

  /** The generated {@code server.properties}. */
  public Path propertiesFile() {
    return dataDir.resolve("kafka").resolve("server.properties");
  }

  /** The broker's process id; valid after {@link #start()}. */
  public long pid() {
    return process.pid();
  }

  /** The broker's process; null before {@link #start()}. */
  public ProcessHandle process() {
    return process == null ? null : process.toHandle();
  }

  /**
   * Stops the broker: SIGTERM (Kafka shuts down cleanly), then a kill after {@code grace}.
   *
   * @param grace how long a clean shutdown may take
   * @return true if it stopped cleanly
   */
  public synchronized boolean stop(Duration grace) {
    if (process == null) {
      return true;
    }
    return ChildJvm.stop(process.toHandle(), grace);
  }

  /** Stops the broker, allowing 30 s for a clean shutdown. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }

  private Path storageDir() {
    return dataDir.resolve("kafka").resolve("data");
  }

  private static boolean isFormatted(Path storage) {
    return Files.isRegularFile(storage.resolve("meta.properties"));
  }

  private List<String> jvmOptions() {
    List<String> o = new ArrayList<>(jvmOptions);
    if (classDataSharing) {
      // Class data sharing: the first broker JVM of this class path writes the classes it loaded to
      // an archive when it exits; later ones map it instead of loading and verifying ~5000 classes,
      // which cuts their start by a third or more. The name changes with the jars, so a rebuild never
      // meets a stale archive.
      Path archive = dataDir.resolve("kafka").resolve("broker-" + classpathStamp() + ".jsa");
      o.add(Files.isRegularFile(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + archive);
      o.add("-Xlog:cds=off");
      o.add("-Xlog:cds+dynamic=off");
    }
    o.add("-Dlog4j2.configurationFile=" + dataDir.resolve("kafka").resolve("log4j2.properties"));
    // Marks the process as this data directory's, so that `fedstream down` and tests can find it.
    o.add("-Dfedstream.data.dir=" + dataDir);
    return o;
  }

  private String classpathStamp() {
    long h = Runtime.version().toString().hashCode();
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      java.io.File f = new java.io.File(entry);
      h = 31 * h + entry.hashCode();
      h = 31 * h + f.lastModified();
      h = 31 * h + f.length();
    }
    return Long.toHexString(h);
  }

  private Path writeProperties() {
    try {
      Files.createDirectories(storageDir());
      Files.createDirectories(dataDir.resolve("logs"));
      StringBuilder text = new StringBuilder(BrokerSettings.render(kafkaPort, controllerPort, storageDir()));
      if (security != null) {
        text.append(System.lineSeparator()).append("# Secured: SASL_SSL (SCRAM-SHA-512) for clients, SSL for the controller,"
            + " StandardAuthorizer (see BrokerSecurity)").append(System.lineSeparator());
        security.brokerProperties(Ports.LOOPBACK, kafkaPort, controllerPort)
            .forEach((k, v) -> text.append(k).append('=').append(escape(v)).append(System.lineSeparator()));
      }
      if (!overrides.isEmpty()) {
        text.append(System.lineSeparator()).append("# Overrides").append(System.lineSeparator());
        overrides.forEach((k, v) -> text.append(k).append('=').append(v).append(System.lineSeparator()));
      }
      Path props = propertiesFile();
      Files.writeString(props, text.toString(), StandardCharsets.UTF_8);
      try (InputStream in = EmbeddedBroker.class.getResourceAsStream("/io/fedstream/platform/log4j2-broker.properties")) {
        Files.write(dataDir.resolve("kafka").resolve("log4j2.properties"), Objects.requireNonNull(in).readAllBytes());
      }
      return props;
    } catch (IOException e) {
      throw new PlatformException(PlatformException.IO,
          "cannot write the broker configuration in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /** Escapes a value for a properties file (backslashes only; our values have no line breaks). */
  private static String escape(String v) {
    return v.replace("\\", "\\\\");
  }

  private void format(Path props) {
    List<String> args = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c", props.toString(),
        "--ignore-formatted"));
    if (security != null) {
      args.addAll(security.formatArguments());
    }
    Path formatLog = dataDir.resolve("logs").resolve("broker-format.log");
    Process p = ChildJvm.builder(STORAGE_TOOL_MAIN)
        .classpath(classpath)
        .jvmOptions(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
            "-Dlog4j2.configurationFile=" + dataDir.resolve("kafka").resolve("log4j2.properties"),
            "-Dfedstream.data.dir=" + dataDir))
        .args(args)
        .logFile(formatLog)
        .build()
        .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        ChildJvm.stop(p.toHandle(), Duration.ofSeconds(2));
        throw new PlatformException(PlatformException.FORMAT_FAILED,
            "formatting " + storageDir() + " took more than 60 s; see " + formatLog);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ChildJvm.stop(p.toHandle(), Duration.ofSeconds(2));
      throw new PlatformException(PlatformException.FORMAT_FAILED, "interrupted while formatting " + storageDir());
    }
    if (p.exitValue() != 0 || !isFormatted(storageDir())) {
      throw new PlatformException(PlatformException.FORMAT_FAILED,
          "Kafka's storage tool could not format " + storageDir() + " (exit " + p.exitValue() + "):\n"
              + ChildJvm.tail(formatLog, 20));
    }
  }

  /** Builds an {@link EmbeddedBroker}; {@link #build()} checks the settings. */
  public static final class Builder {
    private final Path dataDir;
    private int kafkaPort = DEFAULT_KAFKA_PORT;
    private int controllerPort = DEFAULT_CONTROLLER_PORT;
    private String classpath = System.getProperty("java.class.path");
    private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
    private Duration readyTimeout = Duration.ofSeconds(60);
    private boolean detached;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private boolean classDataSharing = true;
    private BrokerSecurity security;

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    /** The client port; default 9092; 0 lets the operating system pick a free one. */
    public Builder kafkaPort(int port) {
      this.kafkaPort = port;
      return this;
    }

    /** The controller port; default 9093; 0 lets the operating system pick a free one. */
    public Builder controllerPort(int port) {
      this.controllerPort = port;
      return this;
    }

    /** The child JVM's class path; must hold {@code kafka_2.13} and its dependencies. Default: this JVM's. */
    public Builder classpath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    /** The broker JVM's options; default {@link #DEFAULT_JVM_OPTIONS}. */
    public Builder jvmOptions(List<String> options) {
      this.jvmOptions = List.copyOf(options);
      return this;
    }

    /** How long {@link EmbeddedBroker#awaitReady()} waits; default 60 s. */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    /** Whether the broker outlives this JVM (own session, not stopped with it); default false. */
    public Builder detached(boolean detached) {
      this.detached = detached;
      return this;
    }

    /**
     * Whether the broker JVM uses a class-data-sharing archive in the data directory, written by the
     * first broker that exits and used by every later start; default true.
     */
    public Builder classDataSharing(boolean enabled) {
      this.classDataSharing = enabled;
      return this;
    }

    /**
     * Secures the broker with this material (SASL_SSL with SCRAM-SHA-512, an SSL controller
     * listener, the StandardAuthorizer); default null, a plain broker. A data directory formatted
     * without security cannot be secured later: the platform principals' credentials are created
     * when the storage is formatted.
     */
    public Builder security(BrokerSecurity security) {
      this.security = security;
      return this;
    }

    /** Sets a broker property over the template's value (appended to {@code server.properties}). */
    public Builder override(String key, String value) {
      overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Checks the settings.
     *
     * @return the broker, not yet started
     * @throws PlatformException {@code BAD_CONFIG} saying what to fix
     */
    public EmbeddedBroker build() {
      if (dataDir == null) {
        throw new PlatformException(PlatformException.BAD_CONFIG, "data directory required.");
      }
      for (int p : new int[] {kafkaPort, controllerPort}) {
        if (p < 0 || p > 65535) {
          throw new PlatformException(PlatformException.BAD_CONFIG,
              "ports must be between 0 and 65535 (0 picks a free port), was " + p + ".");
        }
      }
      if (kafkaPort != 0 && kafkaPort == controllerPort) {
        throw new PlatformException(PlatformException.BAD_CONFIG,
            "the Kafka and controller ports are both " + kafkaPort + "; they must differ.");
      }
      if (classpath == null || !classpath.contains("kafka_2.13")) {
        throw new PlatformException(PlatformException.BAD_CONFIG,
            "the broker's class path must contain the kafka_2.13 jar and its dependencies.");
      }
      if (readyTimeout == null || readyTimeout.isNegative() || readyTimeout.isZero()) {
        throw new PlatformException(PlatformException.BAD_CONFIG, "ready timeout must be positive.");
      }
      return new EmbeddedBroker(this);
    }
  }
}
