package io.fedstream.launcher;

import io.fedstream.platform.BrokerSecurity;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.security.NamespaceAcls;
import io.fedstream.security.SecuredTopics;
import io.fedstream.security.SiteKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedstream site add|remove ID}: a site's credentials on the secured platform. */
@Command(name = "site", mixinStandardHelpOptions = true,
    description = "Manage the sites of the secured platform ('fedstream up --secure').",
    subcommands = {SiteCommand.Add.class, SiteCommand.Remove.class, SiteCommand.Sync.class})
final class SiteCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The running secured platform of a data directory, or a clear error. */
  static Map.Entry<EmbeddedPlatform.Endpoints, BrokerSecurity> securedPlatform(PlatformDir dir) {
    Optional<EmbeddedPlatform.Endpoints> e = EmbeddedPlatform.running(dir);
    if (e.isEmpty()) {
      throw new LauncherException(LauncherException.NOT_RUNNING, "FedStream is not running in " + dir.root
          + "; start it with 'fedstream up --secure" + (dir.root.endsWith(".fedstream") ? "" : " --data-dir " + dir.root) + "'.");
    }
    if (!BrokerSecurity.isPrepared(dir.root)) {
      throw new LauncherException(LauncherException.USAGE, "the platform in " + dir.root + " is not secured: sites"
          + " need 'fedstream up --secure' (on a new --data-dir).");
    }
    return Map.entry(e.get(), BrokerSecurity.prepare(dir.root));
  }

  /** The namespace a site command acts on: {@code --namespace}, else the platform's. */
  static String namespace(PlatformDir dir, String option) {
    if (option != null) {
      return Topics.requireName("namespace", option);
    }
    return dir.readState().getProperty(PlatformDir.NAMESPACE, EmbeddedPlatform.DEFAULT_NAMESPACE);
  }

  static String siteId(String id) {
    BrokerSecurity.requireUser(id);
    if (!Topics.requireName("site", id).equals(id) || id.contains(".")) {
      throw new IllegalArgumentException("site id '" + id + "' must be lower-case letters, digits and hyphens.");
    }
    return id;
  }

  /** {@code fedstream site add ID}. */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Create a site's credentials and write its startup kit: bootstrap address, the CA certificate,"
          + " its SCRAM user and secret, and its new key pair for end-to-end encryption (Tink HPKE and Ed25519)."
          + " Creates the site's own topics (commands, inbox, status, logs, mail), the router's sites, projects and runs"
          + " topics if missing, and the ACLs that let it use only those"
          + " (project membership adds more; docs/security.md).",
          "The private keys exist only in the kit: hand it to the site over a channel you trust."})
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The site id: lower-case letters, digits and hyphens;"
        + " also its Kafka principal (User:ID).")
    String id;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the kit folder ID/ goes (default: DATA-DIR/kits).")
    Path out;

    @Mixin
    DataDirOption data;

    @Spec
    CommandSpec spec;

    @Option(names = "--namespace", paramLabel = "NAME",
        description = "The namespace the site joins (default: the platform's, 'demo').")
    String namespace;

    @Override
    public Integer call() throws IOException {
      PrintWriter w = spec.commandLine().getOut();
      String site = siteId(id);
      PlatformDir dir = data.dir();
      var platform = securedPlatform(dir);
      String ns = namespace(dir, namespace);
      Path kit = (out == null ? dir.root.resolve("kits") : out.toAbsolutePath()).resolve(site);
      SiteKeys keys = add(platform.getKey(), platform.getValue(), ns, site, kit);
      w.println("Site " + site + " added (principal User:" + site + ", encryption key " + keys.publicKeys().keyId() + ").");
      w.println("  startup kit: " + kit);
      w.println("  client settings: " + kit.resolve("site.properties") + " (a NodeConfig; keep private)");
      w.println("  public keys (for the Site record): " + kit.resolve("keys").resolve("public.bin"));
      w.println("The private keys exist only in the kit; hand it to the site over a channel you trust.");
      return 0;
    }

    /**
     * Creates a site's SCRAM user (a new secret if it existed), its topics and ACLs in {@code ns},
     * and writes its kit to {@code kit}.
     *
     * @return the site's new keys (the private half is also in the kit)
     * @throws LauncherException if a kit already exists there, or the broker refuses
     */
    static SiteKeys add(EmbeddedPlatform.Endpoints platform, BrokerSecurity security, String ns, String site, Path kit)
        throws IOException {
      if (Files.exists(kit.resolve("keys"))) {
        throw new LauncherException(LauncherException.USAGE, "a kit for " + site + " already exists in " + kit
            + "; remove the site ('fedstream site remove " + site + "') and that folder first.");
      }
      BrokerSecurity.Credentials credentials;
      try (Admin admin = Admin.create(SecuredPlatform.adminSettings(platform.bootstrapServers(), security))) {
        credentials = BrokerSecurity.addUser(admin, site);
        createTopics(admin, ns, site);
        NamespaceAcls.create(admin, NamespaceAcls.site(ns, site));
      }
      SiteKeys keys = SiteKeys.generate(site);
      writeKit(kit, platform, security, credentials, ns, keys);
      return keys;
    }

    private static void createTopics(Admin admin, String ns, String site) {
      List<NewTopic> topics = new ArrayList<>();
      TopicSettings data = TopicSettings.SITE;
      for (String t : SecuredTopics.siteTopics(ns, site)) {
        topics.add(data.asNewTopic(t));
      }
      // The router's directory topics and the dead-letter topic: a site's node reads or writes them from
      // its start (presence, public keys, rejected records), before the router first writes them, and a
      // site may not create them itself.
      for (String t : SecuredTopics.namespaceTopics(ns)) {
        topics.add(TopicSettings.newTopic(t));
      }
      for (NewTopic t : topics) {
        try {
          admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new LauncherException(LauncherException.FAILED, "cannot create " + t.name() + ": " + e.getCause(), e);
          }
        } catch (Exception e) {
          throw new LauncherException(LauncherException.FAILED, "cannot create " + t.name() + ": " + e, e);
        }
      }
    }

    static void writeKit(Path kit, EmbeddedPlatform.Endpoints e, BrokerSecurity security,
        BrokerSecurity.Credentials c, String ns, SiteKeys keys) throws IOException {
      Files.createDirectories(kit);
      Path ca = kit.resolve("ca.pem");
      Files.copy(security.caCertificate(), ca, StandardCopyOption.REPLACE_EXISTING);
      Properties p = new Properties();
      p.setProperty("bootstrap.servers", e.bootstrapServers());
      p.setProperty("schema.registry.url", e.registryUrl());
      p.setProperty("fedstream.namespace", ns);
      p.setProperty("fedstream.node.id", c.user());
      // the namespace is secured: its nodes use the per-site topics the site's ACLs open (schemas/TOPICS.md)
      p.setProperty(io.fedstream.node.NodeConfig.TOPIC_LAYOUT, "per-site");
      BrokerSecurity.clientProperties(c, ca).forEach((k, v) -> p.setProperty(k, v.toString()));
      StringBuilder text = new StringBuilder("# Startup kit of site " + c.user() + ": a NodeConfig (NodeConfig.of)."
          + " Keep private: it holds the site's SCRAM secret.\n"
          + "# ssl.truststore.location names this kit's ca.pem; change it if the kit moves.\n");
      new TreeMap<>(p).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
      Path props = kit.resolve("site.properties");
      Files.writeString(props, text.toString());
      SecuredPlatform.restrict(props);
      keys.write(kit.resolve("keys"));
      Files.writeString(kit.resolve("README.txt"), String.join("\n",
          "FedStream startup kit of site " + c.user(),
          "",
          "site.properties   Kafka and FedStream client settings: bootstrap, registry, namespace, SASL_SSL with",
          "                  SCRAM-SHA-512 (user " + c.user() + " and its secret), trust in ca.pem, and the",
          "                  namespace's per-site topic layout (fedstream.topic.layout=per-site). Private.",
          "ca.pem            the platform's CA certificate: the broker's certificate is signed by it.",
          "keys/             the site's end-to-end keys (Tink): hpke-private.json and ed25519-private.json are",
          "                  private and never leave this kit; public.bin is what the Site record publishes.",
          "",
          "Topics this site may use: " + SecuredTopics.sitePrefix(ns, c.user()) + "{commands,inbox,status,logs,mail},",
          "and, once in a project, the project's events and broadcast topics. See docs/security.md.",
          ""));
      for (String name : Set.of("hpke-private.json", "ed25519-private.json")) {
        SecuredPlatform.restrict(kit.resolve("keys").resolve(name));
      }
      SecuredPlatform.restrictFolder(kit.resolve("keys"));
      SecuredPlatform.restrictFolder(kit);
    }
  }

  /** {@code fedstream site remove ID}. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Delete a site's SCRAM credentials and every ACL of its principal in the namespace: it can no"
          + " longer authenticate, nor read or write anything. Its topics and their data stay.")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The site id.")
    String id;

    @Option(names = "--namespace", paramLabel = "NAME",
        description = "The namespace whose ACLs are deleted (default: the platform's, 'demo').")
    String namespace;

    @Mixin
    DataDirOption data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      String site = siteId(id);
      PlatformDir dir = data.dir();
      var platform = securedPlatform(dir);
      String ns = namespace(dir, namespace);
      NamespaceAcls.Change change;
      try (Admin admin = Admin.create(SecuredPlatform.adminSettings(platform.getKey().bootstrapServers(), platform.getValue()))) {
        change = NamespaceAcls.reconcile(admin, ns, List.of(site), Set.of());
        BrokerSecurity.removeUser(admin, site);
      }
      spec.commandLine().getOut().println("Site " + site + " removed: its credentials and " + change.deleted()
          + " ACL(s) are gone.");
      return 0;
    }
  }

  /** {@code fedstream site sync}. */
  @Command(name = "sync", mixinStandardHelpOptions = true,
      description = {"Make the ACLs follow project membership: read the router's sites and projects and create or"
          + " delete ACLs so that each site has exactly what its projects need (schemas/TOPICS.md).",
          "With --watch, repeat every --interval until stopped."})
  static final class Sync implements Callable<Integer> {
    @Option(names = "--watch", description = "Keep syncing until stopped (Ctrl-C).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "5",
        description = "Seconds between syncs with --watch (default: ${DEFAULT-VALUE}).")
    int interval;

    @Option(names = "--namespace", paramLabel = "NAME",
        description = "The namespace to sync (default: the platform's, 'demo').")
    String namespace;

    @Mixin
    DataDirOption data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      PlatformDir dir = data.dir();
      var platform = securedPlatform(dir);
      String ns = namespace(dir, namespace);
      Map<String, Object> settings = SecuredPlatform.adminSettings(platform.getKey().bootstrapServers(), platform.getValue());
      io.fedstream.security.AclSync sync = new io.fedstream.security.AclSync(settings, platform.getKey().registryUrl(), ns);
      try (Admin admin = Admin.create(settings)) {
        do {
          NamespaceAcls.Change c = sync.once(admin);
          spec.commandLine().getOut().println("ACLs of namespace " + ns + ": " + c.created() + " created, "
              + c.deleted() + " deleted.");
          spec.commandLine().getOut().flush();
          if (watch) {
            TimeUnit.SECONDS.sleep(Math.max(1, interval)); // the sync's period, not a wait for a condition
          }
        } while (watch);
      }
      return 0;
    }
  }
}
