package io.fedstream.security;

import io.fedstream.node.NodeConfig;
import io.fedstream.platform.BrokerSecurity;
import io.fedstream.platform.EmbeddedBroker;
import io.fedstream.router.Router;
import io.fedstream.router.RouterConfig;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.testkit.RegistryExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A secured namespace for tests, set up as {@code fedstream up --secure} and {@code fedstream site
 * add} do: the secured broker in a child JVM (SASL_SSL, SCRAM, {@code StandardAuthorizer}, nothing
 * allowed without an ACL), the shared real schema registry, the routing server in this JVM as
 * {@code User:router} with its namespace ACLs, and for each site its SCRAM user, its five topics,
 * its own ACLs, its key pair, and its kit's node settings ({@link #kit}).
 */
final class SecuredNamespace implements AutoCloseable {

  final String ns;
  final Path dir;
  final EmbeddedBroker broker;
  final String registryUrl;
  final Admin admin;
  final Router router;
  final Map<String, BrokerSecurity.Credentials> creds = new HashMap<>();
  final Map<String, SiteKeys> keys = new LinkedHashMap<>();

  private SecuredNamespace(String ns, Path dir, EmbeddedBroker broker, String registryUrl, Admin admin, Router router) {
    this.ns = ns;
    this.dir = dir;
    this.broker = broker;
    this.registryUrl = registryUrl;
    this.admin = admin;
    this.router = router;
  }

  static SecuredNamespace start(String ns, List<String> sites) throws Exception {
    Path dir = Files.createTempDirectory("fedstream-" + ns);
    BrokerSecurity security = BrokerSecurity.prepare(dir);
    EmbeddedBroker broker = EmbeddedBroker.builder(dir).kafkaPort(0).controllerPort(0).security(security)
        .jvmOptions(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC")).classDataSharing(false)
        .readyTimeout(Duration.ofMinutes(3)).build();
    try {
      broker.start().awaitReady();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    Admin admin = Admin.create(settings(broker, security.admin()));
    NamespaceAcls.create(admin, NamespaceAcls.router(ns, "User:" + BrokerSecurity.ROUTER_USER));
    String registry = RegistryExtension.shared().url();
    Map<String, Object> rc = RouterConfig.singleBroker(broker.bootstrapServers(), registry, ns, dir.resolve("router-state"));
    rc.remove(RouterConfig.STATE_STORE); // persistent stores: their files are searched for plaintext
    rc.putAll(security.clientProperties(security.router()));
    Router router = Router.start(RouterConfig.of(rc));
    SecuredNamespace s = new SecuredNamespace(ns, dir, broker, registry, admin, router);
    try {
      if (!router.awaitRunning(Duration.ofMinutes(2))) {
        throw new IllegalStateException("the router did not reach RUNNING: " + router.state());
      }
      for (String site : sites) {
        s.addSite(site);
      }
    } catch (Exception e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** What {@code fedstream site add} does: user, topics, own ACLs; and the site's keys. */
  private void addSite(String site) throws Exception {
    creds.put(site, BrokerSecurity.addUser(admin, site));
    keys.put(site, SiteKeys.generate(site));
    List<NewTopic> topics = new ArrayList<>();
    for (String t : SecuredTopics.siteTopics(ns, site)) {
      topics.add(new NewTopic(t, Optional.of(1), Optional.empty()).configs(TopicSettings.SITE.configs()));
    }
    for (String t : SecuredTopics.namespaceTopics(ns)) {
      topics.add(TopicSettings.newTopic(t));
    }
    for (var f : admin.createTopics(topics).values().values()) {
      try {
        f.get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
          throw e;
        }
      }
    }
    NamespaceAcls.create(admin, NamespaceAcls.site(ns, site));
  }

  /** Kafka client settings of a principal, as the kit's {@code site.properties} has them. */
  static Map<String, Object> settings(EmbeddedBroker broker, BrokerSecurity.Credentials c) {
    Map<String, Object> m = new HashMap<>(broker.security().clientProperties(c));
    m.put("bootstrap.servers", broker.bootstrapServers());
    m.put("default.api.timeout.ms", 10_000);
    m.put("request.timeout.ms", 5_000);
    return m;
  }

  /** Client settings of a site. */
  Map<String, Object> settings(String site) {
    return settings(broker, creds.get(site));
  }

  /** The operator's client settings. */
  Map<String, Object> operator() {
    return settings(broker, broker.security().admin());
  }

  /**
   * The node settings of a site's kit, as {@code fedstream site add} writes them into {@code
   * site.properties}: bootstrap, registry, namespace, node id, SASL_SSL and SCRAM, trust, and the
   * per-site topic layout. Nothing here chooses the layout but the kit.
   */
  NodeConfig.Builder kit(String site) {
    Map<String, Object> p = new HashMap<>(broker.security().clientProperties(creds.get(site)));
    p.put(NodeConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    p.put(NodeConfig.REGISTRY_URL, registryUrl);
    p.put(NodeConfig.NAMESPACE, ns);
    p.put(NodeConfig.NODE_ID, site);
    p.put(NodeConfig.TOPIC_LAYOUT, "per-site");
    return NodeConfig.of(p).toBuilder();
  }

  @Override
  public void close() {
    if (router != null) {
      router.close();
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (broker != null) {
      broker.close();
    }
  }
}
