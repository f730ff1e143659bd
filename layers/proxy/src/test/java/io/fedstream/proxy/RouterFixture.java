package io.fedstream.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.NodeConfig;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import io.fedstream.testkit.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One namespace with its router (in-process) for a test class, and proxies that close with it. */
final class RouterFixture implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(60);

  final Platform platform;
  final String ns;
  final Router router;
  private final List<Proxy> proxies = new java.util.concurrent.CopyOnWriteArrayList<>();

  RouterFixture(Platform platform, Path dir, Map<String, Object> routerSettings) throws InterruptedException {
    this.platform = platform;
    this.ns = platform.newNamespace();
    Map<String, Object> m = RouterConfig.singleBroker(platform.bootstrapServers(), platform.registryUrl(), ns, dir);
    m.putAll(routerSettings);
    router = Router.start(RouterConfig.of(m));
    assertTrue(router.awaitRunning(Duration.ofSeconds(90)), "router RUNNING");
  }

  NodeConfig.Builder config() {
    return NodeConfig.builder().bootstrapServers(platform.bootstrapServers()).registryUrl(platform.registryUrl())
        .namespace(ns).set(NodeConfig.HEARTBEAT_INTERVAL_MS, 200).set(NodeConfig.LIVENESS_TIMEOUT_MS, 3000)
        .set(NodeConfig.REQUEST_TIMEOUT_MS, 20_000);
  }

  Proxy.Builder proxy(String group, String type, String name) {
    return Proxy.builder(config().build()).group(group).componentType(type).name(name).joinDeadline(WAIT);
  }

  Proxy track(Proxy p) {
    proxies.add(p);
    return p;
  }

  /** A master and workers named {@code <prefix>1..n}, joined together; the master first. */
  List<Proxy> farm(String group, String workerPrefix, int n) throws Exception {
    // one thread per joining proxy: each blocks until the others are there
    java.util.concurrent.ExecutorService joining = java.util.concurrent.Executors.newCachedThreadPool();
    CompletableFuture<Proxy> master = CompletableFuture.supplyAsync(() -> track(proxy(group, "master", "master-" + group)
        .expectedPeers(Map.of("worker", n)).join()), joining);
    List<CompletableFuture<Proxy>> workers = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String name = workerPrefix + i;
      workers.add(CompletableFuture.supplyAsync(() -> track(proxy(group, "worker", name)
          .expectedPeers(Map.of("master", 1)).join()), joining));
    }
    try {
      List<Proxy> all = new ArrayList<>();
      all.add(master.get(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS));
      for (CompletableFuture<Proxy> w : workers) {
        all.add(w.get(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS));
      }
      return all;
    } finally {
      joining.shutdown();
    }
  }

  @Override
  public void close() {
    proxies.forEach(Proxy::close);
    router.close();
  }
}
