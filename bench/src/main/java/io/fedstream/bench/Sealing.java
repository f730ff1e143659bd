package io.fedstream.bench;

import io.fedstream.node.Message;
import io.fedstream.node.NodeConfig;
import io.fedstream.security.EndToEnd;
import io.fedstream.security.SiteKeys;
import io.fedstream.security.SitePublicKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * End-to-end sealing for the benchmarks ({@code FEDSTREAM_BENCH_E2E=1 fedstream bench ...}, or
 * {@code -Dfedstream.bench.e2e=true} on the bench JVM): every bench node
 * gets the {@link EndToEnd} interceptor with keys of its own, kept in a folder that the child JVMs
 * share ({@code fedstream.bench.e2e.dir}, made on first use), so {@code rr} and {@code large} can
 * be measured sealed beside their plain figures.
 */
final class Sealing {

  static final String ENABLED = "fedstream.bench.e2e";
  static final String DIR = "fedstream.bench.e2e.dir";
  private static final Map<String, SitePublicKeys> PUBLIC = new ConcurrentHashMap<>();

  private Sealing() {
  }

  static boolean enabled() {
    return Boolean.getBoolean(ENABLED) || "1".equals(System.getenv("FEDSTREAM_BENCH_E2E"));
  }

  /** The JVM options that pass sealing on to a child JVM; none when it is off. */
  static List<String> childOptions() {
    return enabled() ? List.of("-D" + ENABLED + "=true", "-D" + DIR + "=" + dir()) : List.of();
  }

  /** Adds the node's sealing interceptor when sealing is on. */
  static NodeConfig.Builder apply(NodeConfig.Builder b, String nodeId) {
    if (!enabled()) {
      return b;
    }
    try {
      Path keys = dir().resolve(nodeId);
      SiteKeys own;
      if (Files.exists(keys.resolve("public.bin"))) {
        own = SiteKeys.read(keys);
      } else {
        own = SiteKeys.generate(nodeId);
        own.write(keys);
      }
      return b.interceptor(EndToEnd.of(own, DIRECTORY));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized Path dir() {
    String d = System.getProperty(DIR);
    if (d == null) {
      try {
        d = Files.createTempDirectory("bench-e2e-keys").toString();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      System.setProperty(DIR, d);
    }
    return Path.of(d);
  }

  private static final EndToEnd.Directory DIRECTORY = new EndToEnd.Directory() {
    @Override
    public Optional<SitePublicKeys> site(String id) {
      return Optional.ofNullable(PUBLIC.computeIfAbsent(id, k -> {
        Path p = dir().resolve(k).resolve("public.bin");
        try {
          return Files.exists(p) ? SitePublicKeys.fromBytes(k, Files.readAllBytes(p)) : null;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }

    @Override
    public Collection<SitePublicKeys> recipients(Message message, String topic) {
      try (Stream<Path> all = Files.list(dir())) {
        return all.map(p -> p.getFileName().toString()).filter(id -> !id.equals(message.source()))
            .map(id -> site(id).orElse(null)).filter(k -> k != null).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
}
