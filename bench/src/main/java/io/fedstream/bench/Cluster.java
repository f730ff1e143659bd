package io.fedstream.bench;

import io.fedstream.platform.EmbeddedRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import io.fedstream.testkit.InJvmBroker;

/**
 * The broker (and, when asked for, the schema registry) one workload runs against: an in-process
 * single-node KRaft broker started for the workload, or a running one named by {@code --bootstrap}.
 * Every side of a workload (FedStream and its baselines) uses the same broker in the same run.
 */
final class Cluster implements AutoCloseable {

  private final KafkaClusterTestKit embedded;
  private final String bootstrap;
  private final Admin admin;
  private final String registryFlag;
  private static EmbeddedRegistry registry;

  private Cluster(KafkaClusterTestKit embedded, String bootstrap, String registryFlag) {
    this.embedded = embedded;
    this.bootstrap = bootstrap;
    this.registryFlag = registryFlag;
    this.admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /** Uses the broker at {@code bootstrap} when given, else starts one in this JVM. */
  static Cluster open(String bootstrap, String registry) {
    if (bootstrap != null) {
      return new Cluster(null, bootstrap, registry);
    }
    KafkaClusterTestKit kit = startBroker();
    return new Cluster(kit, kit.bootstrapServers(), registry);
  }

  private static KafkaClusterTestKit startBroker() {
    try {
      return InJvmBroker.start();
    } catch (IllegalStateException e) {
      throw new BenchException(e.getMessage(), e);
    }
  }

  boolean embedded() {
    return embedded != null;
  }

  String bootstrap() {
    return bootstrap;
  }

  Admin admin() {
    return admin;
  }

  /** Client properties with the bootstrap servers set; callers add their own. */
  Properties props() {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return p;
  }

  /** Creates topics with one replica; {@code configs} applies to each. Waits up to 30 s. */
  void createTopics(int partitions, Map<String, String> configs, String... names) {
    List<NewTopic> topics = new java.util.ArrayList<>();
    for (String n : names) {
      topics.add(new NewTopic(n, partitions, (short) 1).configs(new HashMap<>(configs)));
    }
    try {
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
      awaitLeaders(List.of(names), partitions);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("Interrupted while creating topics " + List.of(names), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new BenchException("Cannot create topics " + List.of(names) + " at " + bootstrap + ": " + e, e);
    }
  }

  /**
   * Waits until every partition has a leader in the broker's metadata. Producing to a topic the
   * broker has not fully taken on yet gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer's
   * retries after it have been seen to loop on OUT_OF_ORDER_SEQUENCE_NUMBER on a loaded machine.
   */
  private void awaitLeaders(List<String> names, int partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      boolean ready = true;
      try {
        for (org.apache.kafka.clients.admin.TopicDescription d
            : admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
          ready &= d.partitions().size() == partitions
              && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        }
      } catch (ExecutionException e) {
        ready = false; // UnknownTopicOrPartition until the metadata arrives
      }
      if (ready) {
        return;
      }
      if (System.nanoTime() > end) {
        throw new BenchException("Topics " + names + " have no leader after 30 s at " + bootstrap);
      }
      Thread.sleep(20); // polling period of a bounded wait
    }
  }

  /** Deletes topics a workload no longer needs, so a long {@code all} run does not fill the disk. */
  void deleteTopics(String... names) {
    try {
      admin.deleteTopics(List.of(names)).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Best effort: a leftover topic costs disk, not correctness.
    }
  }

  /**
   * The registry's Confluent-compatible URL: {@code --registry}, else an embedded one, started on
   * first use and shared by every workload of this JVM (it holds only schemas, registered under
   * each workload's own topic names), stopped when the JVM ends.
   */
  String registryUrl() {
    return registryFlag != null ? registryFlag : sharedRegistry().url();
  }

  private static synchronized EmbeddedRegistry sharedRegistry() {
    if (registry == null) {
      try {
        java.nio.file.Path dir = Files.createTempDirectory("fedstream-bench-registry");
        EmbeddedRegistry started = EmbeddedRegistry.builder().workDir(dir).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          started.close();
          TempFiles.deleteTree(dir);
        }, "bench-registry-stop"));
        registry = started;
      } catch (IOException e) {
        throw new BenchException("Cannot create a folder for the embedded registry: " + e, e);
      }
    }
    return registry;
  }

  @Override
  public void close() {
    admin.close();
    if (embedded != null) {
      try {
        embedded.close();
      } catch (Exception e) {
        // Closing at the end of a workload; nothing else to do.
      }
    }
  }
}
