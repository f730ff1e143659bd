package io.fedstream.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** The bounded wait until a broker serves clients: a describe-cluster request answered. */
final class BrokerProbe {

  private BrokerProbe() {
  }

  /**
   * Waits until a broker answers a describe-cluster request.
   *
   * @param bootstrapServers the broker's address
   * @param bound the longest wait
   * @param process the broker's process, checked for an early exit; may be null for a remote broker
   * @param log the broker's log, quoted when the process exits; may be null
   * @throws PlatformException {@code START_FAILED} if the process exits, {@code NOT_READY} on timeout
   */
  static void awaitReady(String bootstrapServers, Duration bound, ProcessHandle process, Path log) {
    awaitReady(bootstrapServers, bound, process, log, Map.of());
  }

  /**
   * Waits until a broker answers a describe-cluster request, connecting with the given client
   * settings (for a secured broker: an admin's SASL_SSL settings).
   *
   * @param bootstrapServers the broker's address
   * @param bound the longest wait
   * @param process the broker's process, checked for an early exit; may be null for a remote broker
   * @param log the broker's log, quoted when the process exits; may be null
   * @param clientSettings extra Kafka client settings
   * @throws PlatformException {@code START_FAILED} if the process exits, {@code NOT_READY} on timeout
   */
  static void awaitReady(String bootstrapServers, Duration bound, ProcessHandle process, Path log,
      Map<String, Object> clientSettings) {
    long deadline = System.nanoTime() + bound.toNanos();
    Map<String, Object> conf = new LinkedHashMap<>(clientSettings);
    conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
    conf.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
    conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    try (Admin admin = Admin.create(conf)) {
      while (true) {
        if (process != null && !process.isAlive()) {
          throw new PlatformException(PlatformException.START_FAILED,
              "the Kafka broker exited while starting. End of its log"
                  + (log == null ? "" : " (" + log + ")") + ":\n" + (log == null ? "" : ChildJvm.tail(log, 25)));
        }
        try {
          if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(1500)).nodes()
              .get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PlatformException(PlatformException.START_FAILED, "interrupted while waiting for Kafka");
        } catch (Exception e) {
          // not up yet
        }
        if (System.nanoTime() > deadline) {
          throw new PlatformException(PlatformException.START_FAILED,
              "Kafka at " + bootstrapServers + " did not answer within " + bound.toSeconds() + " s"
                  + (log == null ? "." : "; see " + log));
        }
        try {
          Thread.sleep(100); // poll interval of a bounded wait
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PlatformException(PlatformException.START_FAILED, "interrupted while waiting for Kafka");
        }
      }
    }
  }
}
