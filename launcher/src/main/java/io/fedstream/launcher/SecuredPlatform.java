package io.fedstream.launcher;

import io.fedstream.platform.BrokerSecurity;
import io.fedstream.security.NamespaceAcls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;

/** The secured embedded platform's part of {@code up}, and what the admin commands need from it. */
final class SecuredPlatform {

  private SecuredPlatform() {
  }

  /**
   * The security material of a data directory: loaded if the directory was made secured, created if
   * {@code asked} and the directory is new, else null (a plain platform).
   *
   * @throws LauncherException if {@code --secure} is asked for a directory already formatted without it
   */
  static BrokerSecurity security(PlatformDir dir, boolean asked) {
    if (BrokerSecurity.isPrepared(dir.root)) {
      return BrokerSecurity.prepare(dir.root);
    }
    if (!asked) {
      return null;
    }
    if (Files.exists(dir.root.resolve("kafka").resolve("data").resolve("meta.properties"))) {
      throw new LauncherException(LauncherException.USAGE, "the data directory " + dir.root + " was first started"
          + " without --secure; its broker has no credentials to secure. Use a new --data-dir for the secured platform.");
    }
    return BrokerSecurity.prepare(dir.root);
  }

  /** Gives the router's principal its ACLs on the namespace (idempotent). */
  static void grantRouter(String bootstrap, BrokerSecurity security, String namespace) {
    try (Admin admin = Admin.create(adminSettings(bootstrap, security))) {
      NamespaceAcls.create(admin, NamespaceAcls.router(namespace, "User:" + BrokerSecurity.ROUTER_USER));
    }
  }

  /** The Kafka client settings of the operator ({@code User:admin}) on the platform at {@code bootstrap}. */
  static Map<String, Object> adminSettings(String bootstrap, BrokerSecurity security) {
    Map<String, Object> m = new HashMap<>(security.clientProperties(security.admin()));
    m.put("bootstrap.servers", bootstrap);
    m.put("default.api.timeout.ms", 30_000);
    return m;
  }

  /** The operator's client settings if the data directory's platform is secured, else none. */
  static Map<String, Object> operatorSettings(PlatformDir dir) {
    if (!BrokerSecurity.isPrepared(dir.root)) {
      return Map.of();
    }
    BrokerSecurity s = BrokerSecurity.prepare(dir.root);
    return s.clientProperties(s.admin());
  }

  /**
   * Writes {@code security/admin.properties}: the operator's client settings, for Kafka's own tools
   * ({@code --command-config}); readable by its owner only.
   */
  static Path writeAdminConfig(PlatformDir dir, BrokerSecurity security) {
    Path file = security.directory().resolve("admin.properties");
    StringBuilder text = new StringBuilder("# The operator's (User:admin) Kafka client settings; keep private.\n");
    new TreeMap<>(security.clientProperties(security.admin()))
        .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    PlatformDir.write(file, text.toString());
    restrict(file);
    restrict(dir.routerConfig());
    return file;
  }

  /** Makes a file readable by its owner only, where the file system has POSIX modes. */
  static void restrict(Path file) {
    try {
      if (Files.exists(file)) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: the data directory's own protection applies
    }
  }

  /** Makes a folder usable by its owner only, where the file system has POSIX modes. */
  static void restrictFolder(Path folder) {
    try {
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system
    }
  }
}
