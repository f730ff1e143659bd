package io.fedstream.examples.projects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.projects.ProjectsView;
import io.fedstream.projects.Report;
import io.fedstream.projects.RunStatus;
import io.fedstream.router.RouterConfig;
import io.fedstream.router.RouterMain;
import io.fedstream.router.internal.projects.ProjectsSettings;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's flow against a real broker, registry and router process: the router is killed
 * (SIGKILL) in the middle of the first run and restarted; both runs still end as they should, and
 * every record the router writes for the run is there once.
 */
@ExtendWith(FedStreamExtension.class)
class ProjectFlowIT {

  @Test
  void theFlowSurvivesARouterKilledMidRun(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    Path stateDir = dir.resolve("state");
    Path config = dir.resolve("router.properties");
    Properties p = new Properties();
    Map.of(RouterConfig.BOOTSTRAP_SERVERS, platform.bootstrapServers(), RouterConfig.REGISTRY_URL,
        platform.registryUrl(), RouterConfig.NAMESPACE, ns, RouterConfig.STATE_DIR, stateDir.toString(),
        RouterConfig.REPLICATION_FACTOR, "1", "streams.metadata.max.age.ms", "1000",
        "streams.consumer.session.timeout.ms", "6000", "streams.consumer.heartbeat.interval.ms", "1000",
        ProjectsSettings.SITE_TIMEOUT_MS, "60000").forEach(p::put);
    try (var w = Files.newBufferedWriter(config)) {
      p.store(w, "projects IT");
    }
    AtomicReference<Process> router = new AtomicReference<>(startRouter(config, stateDir, Path.of("target", "projects-it-router-1.log")));
    AtomicBoolean killed = new AtomicBoolean();
    CompletableFuture<Void> restarted = new CompletableFuture<>();
    StringWriter text = new StringWriter();
    try {
      ProjectFlow flow = new ProjectFlow(platform.bootstrapServers(), platform.registryUrl(), ns,
          new PrintWriter(text, true), Duration.ofSeconds(40), e -> {
            // mid-run: the first run has aggregated its first task and is RUNNING the second
            if (e.runId().orElse("").endsWith(".1") && e.state().orElse(null) == RunStatus.RUNNING && e.task() == 1
                && killed.compareAndSet(false, true)) {
              CompletableFuture.runAsync(() -> {
                try {
                  router.get().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                  router.set(startRouter(config, stateDir, Path.of("target", "projects-it-router-2.log")));
                  restarted.complete(null);
                } catch (Exception ex) {
                  restarted.completeExceptionally(ex);
                }
              });
            }
          });
      ProjectFlow.Result r;
      try {
        r = flow.run();
      } catch (RuntimeException e) {
        diagnose(platform, ns);
        throw e;
      } finally {
        System.out.println(text);
      }
      assertTrue(killed.get(), "the router was killed mid-run");
      restarted.get(2, TimeUnit.MINUTES);
      assertEquals(RunStatus.SUCCESS, r.first().state(), text::toString);
      assertEquals(RunStatus.FAILED, r.second().state());
      assertTrue(r.second().reason().orElse("").contains("checksum mismatch"), r.second().reason().toString());
      assertEquals("hospital-c", r.second().failedBy().orElse(""));

      ProjectsView view = new ProjectsView(platform.bootstrapServers(), platform.registryUrl(), ns, Map.of());
      String run = r.first().id();
      // every run state once, in order, across the kill
      List<io.fedstream.projects.RunEvent> events = view.events(ProjectFlow.PROJECT);
      assertEquals(events.size(), events.stream().map(io.fedstream.projects.RunEvent::id).distinct().count(),
          "no event twice");
      List<String> states = events.stream()
          .filter(e -> e.runId().orElse("").equals(run) && e.type().equals("RUN_STATE"))
          .map(e -> e.state().orElseThrow() + "@" + e.task()).toList();
      assertEquals(List.of("PREPARING@0", "RUNNING@0", "PENDING_AGGREGATING@0", "AGGREGATING@0", "RUNNING@1",
          "PENDING_AGGREGATING@1", "AGGREGATING@1", "PENDING_SUCCESS@1", "SUCCESS@1"), states);
      for (String site : ProjectFlow.PARTICIPANTS) {
        List<Report> status = view.reports(run, List.of(site), false);
        assertEquals(3, status.stream().filter(x -> x.kind().equals("PROGRESS")).count(), site + " progress: " + status);
        assertEquals(List.of(RunStatus.PREPARING, RunStatus.RUNNING, RunStatus.PENDING_AGGREGATING, RunStatus.RUNNING,
                RunStatus.PENDING_AGGREGATING, RunStatus.PENDING_SUCCESS, RunStatus.SUCCESS),
            status.stream().filter(x -> x.kind().equals("STATE")).map(x -> x.state().orElseThrow()).toList(),
            site + " states");
        assertEquals(2, view.reports(run, List.of(site), true).size(), site + " logs");
      }
      assertEquals(2, view.run(run).orElseThrow().participants().size());
      assertEquals(2, view.projects().get(0).runCount(), "two runs, none created twice");
    } finally {
      if (killed.get()) {
        restarted.handle((x, e) -> null).get(3, TimeUnit.MINUTES);
      }
      router.get().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Prints where the router's consumer stands on each command topic, and the inboxes' ends. */
  static void diagnose(Platform platform, String ns) {
    try {
      var admin = platform.admin();
      var offsets = admin.listConsumerGroupOffsets("fedstream-router-" + ns).partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS);
      var topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
          .filter(t -> t.startsWith(ns + ".site.")).sorted().toList();
      var specs = new java.util.HashMap<org.apache.kafka.common.TopicPartition,
          org.apache.kafka.clients.admin.OffsetSpec>();
      topics.forEach(t -> specs.put(new org.apache.kafka.common.TopicPartition(t, 0),
          org.apache.kafka.clients.admin.OffsetSpec.latest()));
      var ends = admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS);
      var lso = admin.listOffsets(specs, new org.apache.kafka.clients.admin.ListOffsetsOptions(
          org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS);
      for (String t : topics) {
        var tp = new org.apache.kafka.common.TopicPartition(t, 0);
        System.out.println("DIAG " + t + " end " + ends.get(tp).offset() + " committed end " + lso.get(tp).offset()
            + " router at "
            + (offsets.get(tp) == null ? "-" : offsets.get(tp).offset()));
      }
      Thread.getAllStackTraces().forEach((th, st) -> {
        if (th.getName().startsWith("fedstream-projects-tail")) {
          System.out.println("DIAG thread " + th.getName() + " " + th.getState() + " " + java.util.Arrays.toString(
              java.util.Arrays.copyOf(st, Math.min(st.length, 25))));
        }
      });
    } catch (Exception e) {
      System.out.println("DIAG failed: " + e);
    }
  }

  static Process startRouter(Path config, Path stateDir, Path log) throws IOException, InterruptedException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-cp", classpath, RouterMain.class.getName(), "--config", config.toString())
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
    throw new AssertionError("router did not become ready; log:\n" + String.join("\n", Files.readAllLines(log)));
  }
}
