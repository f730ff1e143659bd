package io.fedstream.router;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one router instance: {@code java io.fedstream.router.RouterMain --config router.properties}.
 *
 * <p>The file holds {@link RouterConfig} keys ({@code bootstrap.servers},
 * {@code fedstream.registry.url}, {@code fedstream.namespace}, {@code state.dir}, ...). While the
 * router is RUNNING the file {@code <state.dir>/ready} exists (created on the first RUNNING,
 * deleted on shutdown), so a launcher can wait for it. SIGTERM (or Ctrl-C) closes the router
 * cleanly: it commits its last transaction, deletes the ready file and exits with status 0.
 * Exit status 2: bad arguments or config; 1: the router failed.
 */
public final class RouterMain {

  static {
    // The process's own logging (see fedstream-router-log4j2.xml), set before the first logger.
    if (System.getProperty("log4j2.configurationFile") == null
        && System.getProperty("log4j.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "fedstream-router-log4j2.xml");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(RouterMain.class);

  /** Name of the file created in {@code state.dir} while the router is running. */
  public static final String READY_FILE = "ready";

  private RouterMain() {
  }

  /**
   * Entry point.
   *
   * @param args {@code --config <file.properties>}
   */
  public static void main(String[] args) {
    int status = run(args, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream err) {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (args[i].startsWith("--config=")) {
        file = Path.of(args[i].substring("--config=".length()));
      } else {
        err.println("unknown argument '" + args[i] + "'");
        file = null;
        break;
      }
    }
    if (file == null) {
      err.println("usage: RouterMain --config <router.properties>");
      return 2;
    }
    RouterConfig config;
    try {
      config = RouterConfig.load(file);
    } catch (ConfigException | RouterException e) {
      err.println("invalid router config " + file + ": " + e.getMessage());
      return 2;
    }
    Path ready = config.stateDir().resolve(READY_FILE);
    CountDownLatch stopped = new CountDownLatch(1);
    Router router;
    try {
      Files.createDirectories(config.stateDir());
      Files.deleteIfExists(ready);
      router = Router.start(config, state -> {
        try {
          if (state == KafkaStreams.State.RUNNING && !Files.exists(ready)) {
            Files.writeString(ready, ProcessHandle.current().pid() + "\n");
          } else if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
              || state == KafkaStreams.State.PENDING_SHUTDOWN) {
            Files.deleteIfExists(ready);
            if (state != KafkaStreams.State.PENDING_SHUTDOWN) {
              stopped.countDown();
            }
          }
        } catch (IOException e) {
          LOG.error("cannot update {}", ready, e);
        }
      });
    } catch (IOException | RouterException e) {
      err.println("router failed to start: " + e.getMessage());
      return 1;
    }
    Thread hook = new Thread(() -> {
      LOG.info("shutting down the router");
      router.close();
      try {
        Files.deleteIfExists(ready);
      } catch (IOException e) {
        LOG.warn("cannot delete {}", ready, e);
      }
      stopped.countDown();
    }, "fedstream-router-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return router.state() == KafkaStreams.State.ERROR ? 1 : 0;
  }
}
