package io.fedstream.launcher;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Reachability checks of a Kafka cluster and a schema registry, with messages that say what to do. */
final class Peers {

  private Peers() {
  }

  /**
   * Fails unless the Kafka cluster answers within the bound.
   *
   * @throws LauncherException naming the address and the flag to change
   */
  static void requireKafka(String bootstrap, Duration bound) {
    requireKafka(bootstrap, bound, Map.of());
  }

  /**
   * Fails unless the Kafka cluster answers within the bound, connecting with extra client settings
   * (a secured platform's operator credentials).
   *
   * @throws LauncherException naming the address and the flag to change
   */
  static void requireKafka(String bootstrap, Duration bound, Map<String, Object> settings) {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new LauncherException(LauncherException.USAGE, "--bootstrap needs host:port[,host:port...].");
    }
    Map<String, Object> conf = new java.util.HashMap<>(settings);
    conf.putAll(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(bound.toMillis(), 5000),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) bound.toMillis(),
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 2000L,
        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 4000L));
    try (Admin admin = Admin.create(conf)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) bound.toMillis()))
          .clusterId().get(bound.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException(LauncherException.FAILED, "interrupted while reaching Kafka at " + bootstrap);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new LauncherException(LauncherException.FAILED, "cannot reach Kafka at " + bootstrap + " within "
          + bound.toSeconds() + " s. Check that a broker listens there, or leave out --bootstrap to use the"
          + " embedded platform.", e);
    }
  }

  /** Whether the registry answers {@code GET <url>/subjects} with 200 within the bound. */
  static boolean registryAnswers(String url, Duration bound) {
    try {
      return getSubjects(url, bound).statusCode() == 200;
    } catch (IOException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Fails unless a Confluent-compatible registry answers at {@code url}.
   *
   * @throws LauncherException naming the URL and what was wrong
   */
  static void requireRegistry(String url, Duration bound) {
    if (url == null || url.isBlank()) {
      throw new LauncherException(LauncherException.USAGE, "--registry needs the registry's Confluent-compatible URL.");
    }
    String why;
    try {
      HttpResponse<String> r = getSubjects(url, bound);
      if (r.statusCode() == 200) {
        return;
      }
      why = "it answered HTTP " + r.statusCode() + " to GET /subjects; is this the Confluent-compatible base URL"
          + " (for Apicurio: http://host:port/apis/ccompat/v7)?";
    } catch (ConnectException e) {
      why = "connection refused; is the registry running?";
    } catch (java.net.http.HttpTimeoutException e) {
      why = "no answer within " + bound.toSeconds() + " s.";
    } catch (IOException | IllegalArgumentException e) {
      why = String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted.";
    }
    throw new LauncherException(LauncherException.FAILED, "the schema registry at " + url + " is not usable: " + why);
  }

  private static HttpResponse<String> getSubjects(String url, Duration bound) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(bound).build();
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/subjects")).timeout(bound).GET().build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }
}
