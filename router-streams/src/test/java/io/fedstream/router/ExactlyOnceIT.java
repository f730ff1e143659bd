package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the router process (SIGKILL, no clean shutdown) while it is gathering messages for a
 * registration and messages keep arriving, restarts it, and checks that every message is in
 * exactly one trigger and every trigger is seen once.
 */
@ExtendWith(FedStreamExtension.class)
class ExactlyOnceIT {

  static final int AMOUNT = 10;
  static final int MESSAGES = 60;

  @Test
  void killingTheRouterMidAggregationLosesAndDuplicatesNothing(Platform platform, @TempDir Path dir)
      throws Exception {
    String ns = platform.newNamespace();
    Path stateDir = dir.resolve("state");
    Path configFile = dir.resolve("router.properties");
    Properties p = new Properties();
    try (ItClients c = new ItClients(platform, ns)) {
      Map<String, Object> settings = c.routerSettings(stateDir, "child");
      settings.forEach((k, v) -> p.put(k, v.toString()));
      try (var out = Files.newBufferedWriter(configFile)) {
        p.store(out, "exactly-once IT");
      }
      Process router = startRouter(configFile, stateDir, dir.resolve("router-1.log"));
      try {
        // "probe:ping:1" lets the test see that the registration is active before counting.
        c.register(RouterContract.conditionalEvent("master", "gather",
            "worker:update:" + AMOUNT + " OR probe:ping:1"));
        String mailbox = Topics.mailbox(ns);
        KafkaConsumer<String, byte[]> reader = c.reader(mailbox);
        List<Envelope> got = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (got.isEmpty() && System.nanoTime() < end) {
          c.message("probe", "master", "ping");
          c.readTriggers(reader, Duration.ofMillis(500), l -> false, got);
        }
        c.readTriggers(reader, Duration.ofSeconds(2), l -> false, got);
        assertTrue(!got.isEmpty(), "the registration became active");
        assertTrue(got.stream().allMatch(e -> e.getKind() == Kind.TRIGGER));
        long probeTriggers = got.size();
        got.clear();

        // Stream messages; kill the router after its first worker trigger while they flow.
        List<String> sent = new ArrayList<>();
        boolean killed = false;
        for (int i = 0; i < MESSAGES; i++) {
          sent.add(c.message("worker_" + (i % 7), "master", "update").getMessageId());
          c.readTriggers(reader, Duration.ofMillis(30), l -> false, got);
          if (!killed && !got.isEmpty()) {
            router.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            killed = true;
            assertTrue(Files.exists(stateDir.resolve(RouterMain.READY_FILE)),
                "a killed router cannot delete its ready file");
          }
        }
        assertTrue(killed, "the router was killed mid-stream (no trigger before the end?)");
        int beforeKill = got.size();
        router = startRouter(configFile, stateDir, dir.resolve("router-2.log"));
        c.readTriggers(reader, Duration.ofSeconds(120), l -> l.size() >= MESSAGES / AMOUNT, got);
        // and nothing more comes
        c.readTriggers(reader, Duration.ofSeconds(5), l -> false, got);

        System.out.printf("exactly-once IT: %d triggers before the kill, %d in total, %d probe triggers%n",
            beforeKill, got.size(), probeTriggers);
        assertEquals(MESSAGES / AMOUNT, got.size(), "one trigger per " + AMOUNT + " messages");
        assertEquals(got.size(), got.stream().map(Envelope::getMessageId).distinct().count(),
            "no trigger twice");
        List<String> gathered = new ArrayList<>();
        for (Envelope t : got) {
          assertEquals(AMOUNT, t.getPayloads().size());
          t.getPayloads().forEach(pl -> gathered.add(
              c.envelopes.decode(mailbox, RouterContract.gatheredWireBytes(pl)).getMessageId()));
        }
        assertEquals(sent, gathered, "every message in exactly one trigger, in order");

        // a clean stop (SIGTERM) removes the ready file
        router.destroy();
        assertTrue(router.waitFor(60, TimeUnit.SECONDS), "router stops on SIGTERM");
        assertTrue(!Files.exists(stateDir.resolve(RouterMain.READY_FILE)), "ready file removed");
      } finally {
        router.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  static Process startRouter(Path config, Path stateDir, Path log) throws IOException, InterruptedException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", classpath, RouterMain.class.getName(), "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path ready = stateDir.resolve(RouterMain.READY_FILE);
    long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < end && process.isAlive()) {
      if (Files.exists(ready) && Files.readString(ready).trim().equals(Long.toString(process.pid()))) {
        return process;
      }
      TimeUnit.MILLISECONDS.sleep(100); // waiting on a file another process creates
    }
    process.destroyForcibly();
    throw new AssertionError("router process did not become ready; log:\n" + tail(log));
  }

  static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
