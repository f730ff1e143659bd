package io.fedstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fedstream.node.EventSubscription;
import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A Python node ({@code python/fedstream}, Debian's python3-confluent-kafka) and a Java node in one
 * namespace, with the router: {@code python/tests/test_interop.py} drives every primitive both ways
 * (send/receive, request/reply, broadcast, events and triggers through the router, chunked 50 MiB
 * payloads, dead-lettering), against the Java peer served here. The Python unit tests run first.
 */
@ExtendWith(FedStreamExtension.class)
class PythonNodeIT {

  private static final String PYTHON = "/usr/bin/python3";

  @Test
  void pythonAndJavaNodesTalkBothWays(Platform platform, @TempDir Path dir) throws Exception {
    assumeTrue(pythonReady() || System.getenv("CI") != null,
        "Debian's python3 with python3-confluent-kafka, python3-avro, python3-requests, python3-pytest is not"
            + " installed (.ci/run installs it); skipping outside CI");
    String ns = platform.newNamespace();
    Map<String, List<Object>> received = new ConcurrentHashMap<>();
    try (Router router = startRouter(platform, ns, dir.resolve("router"));
         Node java = Node.create(NodeConfig.builder().bootstrapServers(platform.bootstrapServers())
             .registryUrl(platform.registryUrl()).namespace(ns).nodeId("java").groups("both").build())) {
      java.start().block(Duration.ofSeconds(60));
      serve(java, dir, received);
      Disposable inbox = java.receive().subscribe(m -> received.computeIfAbsent(m.tag(), t -> new ArrayList<>())
          .add(m.args().getOrDefault("seq", m.args().get("a"))));
      Disposable events = java.subscribe(EventSubscription.to("py-src", "ch"))
          .subscribe(m -> received.computeIfAbsent("ch", t -> new ArrayList<>()).add(m.arg("a")));
      Disposable triggers = java.register("py:py-update:2", "from-python")
          .subscribe(t -> received.computeIfAbsent("trigger", k -> new ArrayList<>()).add((long) t.messages().size()));
      try {
        Path root = Path.of(System.getProperty("fedstream.repo.root"));
        ProcessBuilder pb = new ProcessBuilder(PYTHON, "-m", "pytest", "-v", "-p", "no:cacheprovider",
            root.resolve("python/tests").toString())
            .redirectErrorStream(true).directory(root.toFile());
        pb.environment().put("FEDSTREAM_BOOTSTRAP", platform.bootstrapServers());
        pb.environment().put("FEDSTREAM_REGISTRY", platform.registryUrl());
        pb.environment().put("FEDSTREAM_NAMESPACE", ns);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "pytest finished");
        System.out.println(out);
        assertEquals(0, p.exitValue(), "pytest:\n" + out);
        assertTrue(out.contains(" passed") && !out.contains(" skipped"), "every Python test ran:\n" + out);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), received.get("hello"), "Python's sends reached Java in order");
      } finally {
        inbox.dispose();
        events.dispose();
        triggers.dispose();
      }
    }
  }

  /** The Java peer's side of each scenario in test_interop.py. */
  private static void serve(Node java, Path dir, Map<String, List<Object>> received) {
    java.serve("sum", m -> {
      Object x = m.arg("x");
      Object y = m.arg("y");
      Object sum = x instanceof Long a && y instanceof Long b ? (Object) (a + b)
          : (Object) (((Number) x).doubleValue() + ((Number) y).doubleValue());
      return Mono.just(Message.builder().tag("sum").arg("sum", sum).build());
    });
    java.serve("square", m -> Mono.fromCallable(() -> {
      long x = m.argLong("x"); // lenient: a whole double from another language's writer reads as a long
      return Message.builder().tag("square").arg("y", x * x).build();
    }));
    java.serve("fail-caller", m -> Mono.error(new NodeException.CallerException("bad request on purpose")));
    java.serve("fail-handler", m -> Mono.error(new IllegalStateException("broken on purpose")));
    java.serve("call-me-back", m -> java.request(Message.builder().tag("py-echo").to((String) m.arg("to"))
            .arg("n", m.arg("n")).build(), Duration.ofSeconds(30))
        .map(r -> Message.builder().tag("call-me-back").args(r.args()).build()));
    java.serve("send-me", m -> {
      String tag = (String) m.args().getOrDefault("tag", "from-java");
      long count = (Long) m.arg("count");
      return Flux.range(0, (int) count)
          .concatMap(i -> java.send(Message.builder().tag(tag).to((String) m.arg("to")).arg("seq", (long) i).build()))
          .then(Mono.just(Message.builder().tag("sent").build()));
    });
    java.serve("received", m -> Mono.just(Message.builder().tag("received")
        .arg("seqs", List.copyOf(received.getOrDefault((String) m.arg("tag"), List.of()))).build()));
    java.serve("broadcast-to", m -> java.broadcast((String) m.arg("group"),
        Message.builder().tag("bcast-from-java").build()).then(Mono.just(Message.builder().tag("ok").build())));
    java.serve("emit", m -> java.emit((String) m.arg("role"), (String) m.arg("channel"),
        Message.builder().tag("e").arg("a", m.arg("a")).build()).then(Mono.just(Message.builder().tag("ok").build())));
    java.serve("digest", m -> Mono.fromCallable(() -> {
      Payload p = m.payload("blob").orElseThrow();
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      long size = 0;
      try (InputStream in = p.openStream()) {
        byte[] buf = new byte[1 << 20];
        for (int n; (n = in.read(buf)) > 0; size += n) {
          d.update(buf, 0, n);
        }
      }
      p.file().ifPresent(f -> f.toFile().delete());
      return Message.builder().tag("digest").arg("size", size).arg("sha256", HexFormat.of().formatHex(d.digest())).build();
    }).subscribeOn(Schedulers.boundedElastic()));
    java.serve("send-big", m -> Mono.fromCallable(() -> bigFile(dir, (Long) m.arg("size")))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(f -> java.send(Message.builder().tag("big-from-java").to((String) m.arg("to"))
            .arg("sha256", f.getValue()).payload(Payload.ofFile("blob", f.getKey())).build()))
        .then(Mono.just(Message.builder().tag("sent").build())));
  }

  private static Map.Entry<Path, String> bigFile(Path dir, long size) throws Exception {
    Path f = Files.createTempFile(dir, "big", ".bin");
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    Random r = new Random(7);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(f)) {
      for (long left = size; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        d.update(buf, 0, n);
      }
    }
    return Map.entry(f, HexFormat.of().formatHex(d.digest()));
  }

  private static Router startRouter(Platform platform, String ns, Path dir) throws InterruptedException {
    Router router = Router.start(RouterConfig.of(
        RouterConfig.singleBroker(platform.bootstrapServers(), platform.registryUrl(), ns, dir)));
    assertTrue(router.awaitRunning(Duration.ofSeconds(90)), "router RUNNING");
    return router;
  }

  static boolean pythonReady() {
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka, requests, pytest").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
