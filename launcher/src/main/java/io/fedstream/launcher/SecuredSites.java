package io.fedstream.launcher;

import io.fedstream.examples.projects.ProjectFlow;
import io.fedstream.node.Message;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.Payload;
import io.fedstream.node.spi.Interceptor;
import io.fedstream.platform.BrokerSecurity;
import io.fedstream.projects.ProjectsView;
import io.fedstream.projects.SiteInfo;
import io.fedstream.schemas.Topics;
import io.fedstream.security.AclSync;
import io.fedstream.security.EndToEnd;
import io.fedstream.security.NamespaceAcls;
import io.fedstream.security.SiteKeys;
import io.fedstream.security.SitePublicKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * The project demo's sites on the secured platform: each gets its credentials, topics, ACLs and
 * startup kit as {@code fedstream site add} makes them, connects with its own kit (SASL_SSL, its
 * own principal) and seals every payload end to end with its kit's keys ({@link EndToEnd}); the
 * public keys of the others come from the router's {@code Site} records. Membership changes run
 * the operator's ACL sync ({@link AclSync}) and wait until the broker applies it.
 */
final class SecuredSites implements ProjectFlow.Sites {

  private static final Duration BOUND = Duration.ofMinutes(1);

  private final EmbeddedPlatform.Endpoints platform;
  private final BrokerSecurity security;
  private final String ns;
  private final PrintWriter out;
  private final Map<String, Path> kits = new LinkedHashMap<>();
  private final Map<String, SiteKeys> keys = new HashMap<>();
  private final Map<String, SitePublicKeys> directory = new ConcurrentHashMap<>();
  private final Meter plain = new Meter();
  private final Meter sealed = new Meter();

  SecuredSites(EmbeddedPlatform.Endpoints platform, BrokerSecurity security, String ns, PrintWriter out) {
    this.platform = platform;
    this.security = security;
    this.ns = ns;
    this.out = out;
  }

  /**
   * Adds each site as {@code fedstream site add --namespace NS} does, its kit in
   * {@code DATA-DIR/kits/NS/ID}, and prints what it made.
   *
   * @throws LauncherException if a kit exists already or the broker refuses
   */
  void add(List<String> sites) throws IOException {
    for (String site : sites) {
      Path kit = platform.dataDir().resolve("kits").resolve(ns).resolve(SiteCommand.siteId(site));
      SiteKeys k = SiteCommand.Add.add(platform, security, ns, site, kit);
      kits.put(site, kit);
      keys.put(site, k);
      say("site add " + site + ": principal User:" + site + ", SCRAM-SHA-512 secret, key " + k.publicKeys().keyId()
          + ", kit " + kit);
    }
  }

  @Override
  public NodeConfig node(String siteId) {
    Path kit = kits.get(siteId);
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(kit.resolve("site.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the kit of " + siteId + ": " + e.getMessage(), e);
    }
    Map<String, Object> values = new HashMap<>();
    p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
    EndToEnd e2e = EndToEnd.of(keys.get(siteId), new EndToEnd.Directory() {
      @Override
      public Optional<SitePublicKeys> site(String id) {
        return Optional.ofNullable(directory.get(id));
      }

      @Override
      public Collection<SitePublicKeys> recipients(Message message, String topic) {
        return directory.values().stream().filter(k -> !k.siteId().equals(message.source())).toList();
      }
    });
    // Outbound in this order, inbound in reverse: the meters see the payloads before and after sealing.
    return NodeConfig.of(values).toBuilder().interceptor(plain).interceptor(e2e).interceptor(sealed).build();
  }

  @Override
  public ProjectFlow.Key publicKey(String siteId) {
    SitePublicKeys k = keys.get(siteId).publicKeys();
    return new ProjectFlow.Key(k.toBytes(), k.keyId(), 1);
  }

  @Override
  public void registered(ProjectsView view) {
    for (SiteInfo s : view.sites()) {
      s.publicKey().ifPresent(b -> directory.put(s.id(), SitePublicKeys.fromBytes(s.id(), b)));
    }
    say("public keys from the router's Site records: " + directory.keySet().stream().sorted().toList());
  }

  @Override
  public void membershipChanged(ProjectsView view, String project, List<String> members) {
    Map<String, Object> admin = SecuredPlatform.adminSettings(platform.bootstrapServers(), security);
    AclSync sync = new AclSync(admin, platform.registryUrl(), ns);
    long deadline = System.nanoTime() + BOUND.toNanos();
    AclSync.Membership m = sync.read();
    while (!has(m, project, members)) {
      if (System.nanoTime() > deadline) {
        throw new LauncherException(LauncherException.FAILED, "the router's project record does not list " + members
            + " within " + BOUND.toSeconds() + " s");
      }
      m = sync.read();
    }
    NamespaceAcls.Change c;
    try (Admin a = Admin.create(admin)) {
      c = sync.once(a); // what 'fedstream site sync' does
    }
    long t0 = System.nanoTime();
    for (String member : members) {
      awaitRead(member, Topics.projectEvents(ns, project));
    }
    say(String.format(Locale.ROOT, "ACL sync (project %s: %s): %d created, %d deleted; the broker applied them in %d ms",
        project, String.join(", ", members), c.created(), c.deleted(), (System.nanoTime() - t0) / 1_000_000));
  }

  private static boolean has(AclSync.Membership m, String project, List<String> members) {
    return m.projects().stream().anyMatch(p -> p.id().equals(project) && members.stream()
        .allMatch(s -> s.equals(p.coordinator()) || p.participants().contains(s)));
  }

  /** Waits (bounded) until {@code site}'s own principal may describe {@code topic}. */
  private void awaitRead(String site, String topic) {
    Map<String, Object> c = new HashMap<>(node(site).clientSettings());
    c.put("bootstrap.servers", platform.bootstrapServers());
    long deadline = System.nanoTime() + BOUND.toNanos();
    try (Admin a = Admin.create(c)) {
      while (true) {
        try {
          a.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicAuthorizationException) || System.nanoTime() > deadline) {
            throw new LauncherException(LauncherException.FAILED, site + " cannot see " + topic + ": " + e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LauncherException(LauncherException.FAILED, "interrupted");
        } catch (java.util.concurrent.TimeoutException e) {
          throw new LauncherException(LauncherException.FAILED, site + ": no answer about " + topic + " in 30 s");
        }
      }
    }
  }

  /** The summary: principals and what sealing did to the payloads. */
  List<String> summary() {
    return List.of(
        "Secured: SASL_SSL with SCRAM-SHA-512, CA " + security.caCertificate() + "; each site its own principal: "
            + kits.keySet().stream().map(s -> "User:" + s).toList() + ", kits in " + platform.dataDir().resolve("kits")
            .resolve(ns),
        String.format(Locale.ROOT, "Sealed end to end (Tink HPKE + AES-256-GCM, Ed25519-signed): %d messages sent,"
            + " %,d bytes of payload sealed into %,d; %d received and opened (%,d sealed bytes into %,d)",
            sealed.sent.get(), plain.sentBytes.get(), sealed.sentBytes.get(), plain.received.get(),
            sealed.receivedBytes.get(), plain.receivedBytes.get()));
  }

  long sealedMessagesReceived() {
    return plain.received.get();
  }

  private void say(String line) {
    synchronized (out) {
      out.println("[secure] " + line);
      out.flush();
    }
  }

  /** Counts messages and payload bytes where it sits in the interceptor chain. */
  private static final class Meter implements Interceptor {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong sentBytes = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    final AtomicLong receivedBytes = new AtomicLong();

    @Override
    public Message intercept(Chain chain) {
      Message result = chain.proceed(chain.message());
      if (chain.direction() == Direction.OUTBOUND) {
        Message m = chain.message();
        sent.incrementAndGet();
        sentBytes.addAndGet(m.payloads().stream().mapToLong(Payload::size).sum());
      } else if (result != null) {
        received.incrementAndGet();
        receivedBytes.addAndGet(chain.message().payloads().stream().mapToLong(Payload::size).sum());
      }
      return result;
    }
  }
}
