package io.fedstream.router;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Placeholder entry point of the router process until the Kafka Streams router lands; it keeps the
 * launcher's contract so that {@code fedstream up} runs a router process today:
 * {@code java io.fedstream.router.RouterMain --config <file.properties>} where the file has
 * {@code bootstrap.servers}, {@code fedstream.registry.url}, {@code fedstream.namespace} and
 * {@code state.dir}. It creates {@code <state.dir>/ready} once running, deletes it on a clean
 * shutdown, and exits on SIGTERM. It routes nothing.
 */
public final class RouterMain {

  private static final List<String> REQUIRED =
      List.of("bootstrap.servers", "fedstream.registry.url", "fedstream.namespace", "state.dir");

  private RouterMain() {
  }

  /**
   * Runs the placeholder router until SIGTERM.
   *
   * @param args {@code --config <file.properties>}
   * @throws Exception never on purpose; a bad argument exits with status 2 and a message
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !"--config".equals(args[0])) {
      System.err.println("usage: RouterMain --config <file.properties>");
      System.exit(2);
    }
    Properties config = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
      config.load(in);
    } catch (IOException e) {
      System.err.println("cannot read router config " + args[1] + ": " + e.getMessage());
      System.exit(2);
    }
    for (String key : REQUIRED) {
      if (config.getProperty(key, "").isBlank()) {
        System.err.println("router config " + args[1] + " lacks " + key);
        System.exit(2);
      }
    }
    Path stateDir = Path.of(config.getProperty("state.dir"));
    Files.createDirectories(stateDir);
    Path ready = stateDir.resolve("ready");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Files.deleteIfExists(ready);
      } catch (IOException e) {
        System.err.println("cannot delete " + ready + ": " + e.getMessage());
      }
      System.out.println("router stopped");
      stopped.countDown();
    }, "router-shutdown"));
    System.out.println("router placeholder running for namespace " + config.getProperty("fedstream.namespace")
        + " on " + config.getProperty("bootstrap.servers") + " (registry " + config.getProperty("fedstream.registry.url")
        + "); routing lands with the Kafka Streams router");
    Files.writeString(ready, Long.toString(ProcessHandle.current().pid()));
    stopped.await();
  }
}
