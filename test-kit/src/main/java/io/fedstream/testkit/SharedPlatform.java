package io.fedstream.testkit;

import io.fedstream.platform.EmbeddedRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/** The per-JVM broker and registry behind both extensions; started lazily, closed at JVM end. */
final class SharedPlatform implements Platform, Registry, AutoCloseable {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private static SharedPlatform instance;
  private static SharedRegistry registry;

  private final KafkaClusterTestKit cluster;
  private final Admin admin;
  private final SharedRegistry sharedRegistry;

  private SharedPlatform(KafkaClusterTestKit cluster, SharedRegistry sharedRegistry) {
    this.cluster = cluster;
    this.sharedRegistry = sharedRegistry;
    this.admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
  }

  static synchronized SharedPlatform get() {
    if (instance == null) {
      keepKafkaFromEndingTheJvm();
      SharedRegistry r = registry();
      KafkaClusterTestKit cluster = InJvmBroker.start();
      instance = new SharedPlatform(cluster, r);
      Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "fedstream-test-platform-stop"));
    }
    return instance;
  }

  /**
   * A broker that meets a fatal error (often while it shuts down, after the tests) calls Kafka's
   * {@code Exit.halt}/{@code Exit.exit}, which would end the test JVM with a non-zero status and fail
   * a build whose tests all passed. In a test JVM that is a log line, as in Kafka's own tests.
   */
  private static void keepKafkaFromEndingTheJvm() {
    org.apache.kafka.common.utils.Exit.setHaltProcedure((status, message) ->
        System.err.println("Kafka asked to halt the JVM with status " + status + " (" + message + "); ignored in tests"));
    org.apache.kafka.common.utils.Exit.setExitProcedure((status, message) ->
        System.err.println("Kafka asked to exit the JVM with status " + status + " (" + message + "); ignored in tests"));
  }

  static synchronized SharedRegistry registry() {
    // JUnit Jupiter closes the registry when its part of the test plan is done; another engine
    // (jqwik) running after it in the same JVM gets a new one.
    if (registry == null || registry.closed) {
      registry = SharedRegistry.start();
      Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "fedstream-test-registry-stop"));
    }
    return registry;
  }

  @Override
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public String registryUrl() {
    return sharedRegistry.url();
  }

  @Override
  public String url() {
    return sharedRegistry.url();
  }

  @Override
  public String newNamespace() {
    return "t" + NAMESPACES.incrementAndGet() + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
  }

  @Override
  public Admin admin() {
    return admin;
  }

  @Override
  public Map<String, Object> clientProperties() {
    Map<String, Object> props = new HashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  private boolean closed;

  /** Stops the broker; idempotent (called by JUnit at the end of the test plan, and by a shutdown hook). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    admin.close(java.time.Duration.ofSeconds(5));
    try {
      cluster.close();
    } catch (Exception e) {
      System.err.println("The test broker did not close cleanly: " + e);
    }
  }

  /** The registry, which can run without the broker. */
  static final class SharedRegistry implements Registry, AutoCloseable {
    private final EmbeddedRegistry process;

    private SharedRegistry(EmbeddedRegistry process) {
      this.process = process;
    }

    static SharedRegistry start() {
      try {
        Path dir = Files.createTempDirectory("fedstream-test-registry");
        return new SharedRegistry(EmbeddedRegistry.builder().workDir(dir).start());
      } catch (IOException e) {
        throw new IllegalStateException("Cannot create a folder for the test registry: " + e, e);
      }
    }

    @Override
    public String url() {
      return process.url();
    }

    private volatile boolean closed;

    /** Stops the registry; idempotent. */
    @Override
    public void close() {
      closed = true;
      process.close();
    }
  }
}
