package io.fedstream.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * The security material of a secured embedded broker, kept in {@code <data-dir>/security/}: a
 * certificate authority and the broker's certificate (made by the JDK's {@code keytool}, run as a
 * process), and the SCRAM-SHA-512 secrets of the platform's own principals.
 *
 * <p>What a secured broker looks like (see {@link #brokerProperties}):
 * <ul>
 *   <li>clients connect to a {@code SASL_SSL} listener and authenticate with SCRAM-SHA-512;
 *   <li>the controller listener is {@code SSL} with client certificates required: only holders of a
 *       certificate signed by the data directory's CA (the broker itself) get in, as {@code User:broker};
 *   <li>KRaft's {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}: a principal
 *       may do only what an ACL allows; {@code User:broker} and {@code User:admin} are super users.
 * </ul>
 *
 * <p>Principals: {@value #BROKER_USER} (the broker itself), {@value #ADMIN_USER} (the operator:
 * {@code fedstream site add}, ACLs) and {@value #ROUTER_USER} (the router, with ACLs on its
 * namespace only) are created when the storage is formatted; sites are added later with
 * {@link #addUser}. Files:
 * <pre>
 *   security/ca.p12           the CA's key pair (PKCS12, password in secrets.properties); never leaves
 *   security/ca.pem           the CA certificate: the trust anchor every client gets
 *   security/broker.p12       the broker's key and certificate (SAN 127.0.0.1, localhost)
 *   security/secrets.properties  store passwords and the platform principals' SCRAM secrets (mode 600)
 * </pre>
 */
public final class BrokerSecurity {

  /** The SASL mechanism of every client. */
  public static final String MECHANISM = "SCRAM-SHA-512";
  /** The broker's own principal name (super user). */
  public static final String BROKER_USER = "broker";
  /** The operator's principal name (super user). */
  public static final String ADMIN_USER = "admin";
  /** The router's principal name (ACLs on its namespace). */
  public static final String ROUTER_USER = "router";
  /** The listener name clients connect to. */
  public static final String CLIENT_LISTENER = "SASL_SSL";

  private static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ITERATIONS = 4096;

  private final Path dir;
  private final Properties secrets;

  /** A principal's SCRAM credentials. */
  public record Credentials(String user, String password) {
    /** Checks the values. */
    public Credentials {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Credentials[user=" + user + ", password=[hidden]]";
    }
  }

  private BrokerSecurity(Path dir, Properties secrets) {
    this.dir = dir;
    this.secrets = secrets;
  }

  /**
   * Loads the security material of a data directory, creating it on first use (a new CA, broker
   * certificate and secrets; takes a few seconds of {@code keytool}).
   *
   * @param dataDir the platform's data directory
   * @return the material
   * @throws PlatformException {@code IO} if the files cannot be written or read, {@code NOT_INSTALLED}
   *     if this Java has no {@code keytool}, {@code START_FAILED} if {@code keytool} fails
   */
  public static BrokerSecurity prepare(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize().resolve("security");
    Path secretsFile = dir.resolve("secrets.properties");
    if (Files.isRegularFile(secretsFile)) {
      return new BrokerSecurity(dir, load(secretsFile));
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new PlatformException(PlatformException.IO, "cannot create " + dir + ": " + e.getMessage(), e);
    }
    Properties s = new Properties();
    s.setProperty("store.password", secret());
    s.setProperty("user." + BROKER_USER, secret());
    s.setProperty("user." + ADMIN_USER, secret());
    s.setProperty("user." + ROUTER_USER, secret());
    new CertificateAuthority(dir, s.getProperty("store.password")).create();
    store(secretsFile, s);
    return new BrokerSecurity(dir, s);
  }

  /** Whether a data directory holds security material (it was made by a secured start). */
  public static boolean isPrepared(Path dataDir) {
    return Files.isRegularFile(dataDir.toAbsolutePath().normalize().resolve("security").resolve("secrets.properties"));
  }

  /** The folder of the material. */
  public Path directory() {
    return dir;
  }

  /** The CA certificate in PEM: what clients trust. */
  public Path caCertificate() {
    return dir.resolve("ca.pem");
  }

  /** The operator's credentials (super user). */
  public Credentials admin() {
    return credentials(ADMIN_USER);
  }

  /** The router's credentials. */
  public Credentials router() {
    return credentials(ROUTER_USER);
  }

  private Credentials credentials(String user) {
    return new Credentials(user, secrets.getProperty("user." + user));
  }

  /**
   * The broker properties that secure a single node, to be laid over the plain template.
   *
   * @param host the bind and advertised host
   * @param kafkaPort the client (SASL_SSL) port
   * @param controllerPort the controller (SSL, client certificates required) port
   * @return the properties, in a stable order
   */
  public Map<String, String> brokerProperties(String host, int kafkaPort, int controllerPort) {
    String store = secrets.getProperty("store.password");
    Map<String, String> p = new LinkedHashMap<>();
    p.put("listeners", CLIENT_LISTENER + "://" + host + ":" + kafkaPort + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", CLIENT_LISTENER + "://" + host + ":" + kafkaPort);
    p.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_SSL,CONTROLLER:SSL");
    p.put("inter.broker.listener.name", CLIENT_LISTENER);
    p.put("sasl.enabled.mechanisms", MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(credentials(BROKER_USER)));
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", dir.resolve("broker.p12").toString());
    p.put("ssl.keystore.password", store);
    p.put("ssl.key.password", store);
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", caCertificate().toString());
    p.put("listener.name.controller.ssl.client.auth", "required");
    // A certificate's subject CN=broker is the principal User:broker.
    p.put("ssl.principal.mapping.rules", "RULE:^CN=([a-zA-Z0-9._-]+)$/$1/,DEFAULT");
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("allow.everyone.if.no.acl.found", "false");
    p.put("super.users", "User:" + BROKER_USER + ";User:" + ADMIN_USER);
    return p;
  }

  /**
   * The storage tool's arguments that create the platform principals' SCRAM credentials when the
   * storage is formatted (KRaft keeps them in the metadata log).
   */
  public List<String> formatArguments() {
    List<String> a = new ArrayList<>();
    for (String user : List.of(BROKER_USER, ADMIN_USER, ROUTER_USER)) {
      a.add("--add-scram");
      a.add(MECHANISM + "=[name=" + user + ",password=" + secrets.getProperty("user." + user) + "]");
    }
    return a;
  }

  /** The Kafka client settings of a principal on this broker (SASL_SSL, SCRAM, the CA in PEM). */
  public Map<String, Object> clientProperties(Credentials c) {
    return clientProperties(c, caCertificate());
  }

  /**
   * The Kafka client settings of a principal: {@code security.protocol=SASL_SSL},
   * {@code sasl.mechanism=SCRAM-SHA-512}, its JAAS line, and trust in the CA certificate at {@code ca}.
   *
   * @param c the credentials
   * @param ca the CA certificate (PEM)
   * @return the settings
   */
  public static Map<String, Object> clientProperties(Credentials c, Path ca) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", MECHANISM);
    p.put("sasl.jaas.config", jaas(c));
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", ca.toAbsolutePath().toString());
    return p;
  }

  /** The JAAS line of SCRAM credentials. */
  public static String jaas(Credentials c) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + c.user()
        + "\" password=\"" + c.password() + "\";";
  }

  /**
   * Creates (or replaces) a principal's SCRAM-SHA-512 credentials with a new random secret.
   *
   * @param admin an admin client authenticated as a super user
   * @param user the principal name: lower-case letters, digits, '.', '_', '-'
   * @return the new credentials
   * @throws IllegalArgumentException for a bad name
   * @throws PlatformException {@code START_FAILED} if the broker refuses or does not answer in 30 s
   */
  public static Credentials addUser(Admin admin, String user) {
    requireUser(user);
    String password = secret();
    try {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), password)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException(PlatformException.START_FAILED, "interrupted while adding user " + user);
    } catch (Exception e) {
      throw new PlatformException(PlatformException.START_FAILED, "cannot add SCRAM user " + user + ": " + e.getMessage(), e);
    }
    return new Credentials(user, password);
  }

  /**
   * Deletes a principal's SCRAM credentials; it can no longer authenticate.
   *
   * @param admin an admin client authenticated as a super user
   * @param user the principal name
   * @throws PlatformException {@code START_FAILED} if the broker refuses or does not answer in 30 s
   */
  public static void removeUser(Admin admin, String user) {
    requireUser(user);
    try {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException(PlatformException.START_FAILED, "interrupted while removing user " + user);
    } catch (Exception e) {
      throw new PlatformException(PlatformException.START_FAILED, "cannot remove SCRAM user " + user + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks a principal name.
   *
   * @throws IllegalArgumentException saying what is allowed
   */
  public static String requireUser(String user) {
    if (user == null || !USER.matcher(user).matches()) {
      throw new IllegalArgumentException("principal name '" + user + "' must be 1-100 characters of lower-case"
          + " letters, digits, '.', '_' and '-', starting with a letter or digit.");
    }
    return user;
  }

  /** A random secret: 32 bytes, base64url without padding (safe in JAAS lines and the storage tool's syntax). */
  public static String secret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static Properties load(Path file) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new PlatformException(PlatformException.IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
    return p;
  }

  /** Writes a properties file readable by its owner only (where the file system has POSIX modes). */
  static void store(Path file, Properties p) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(file);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's own protection applies
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        p.store(out, "FedStream secrets: keep private");
      }
    } catch (IOException e) {
      throw new PlatformException(PlatformException.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** The CA and broker certificate, made with keytool. */
  private static final class CertificateAuthority {
    private final Path dir;
    private final String password;

    CertificateAuthority(Path dir, String password) {
      this.dir = dir;
      this.password = password;
    }

    void create() {
      String ca = dir.resolve("ca.p12").toString();
      String broker = dir.resolve("broker.p12").toString();
      String csr = dir.resolve("broker.csr").toString();
      String brokerPem = dir.resolve("broker.pem").toString();
      String caPem = dir.resolve("ca.pem").toString();
      String san = "SAN=ip:127.0.0.1,dns:localhost";
      keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
          "-dname", "CN=FedStream CA", "-ext", "bc:c", "-validity", "3650",
          "-keystore", ca, "-storetype", "PKCS12", "-storepass", password);
      keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", password, "-file", caPem);
      keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
          "-dname", "CN=" + BROKER_USER, "-validity", "3650",
          "-keystore", broker, "-storetype", "PKCS12", "-storepass", password);
      keytool("-certreq", "-alias", "broker", "-keystore", broker, "-storepass", password, "-file", csr);
      keytool("-gencert", "-alias", "ca", "-keystore", ca, "-storepass", password, "-infile", csr, "-outfile", brokerPem,
          "-rfc", "-validity", "3650", "-ext", san, "-ext", "EKU=serverAuth,clientAuth");
      keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", broker, "-storepass", password);
      keytool("-importcert", "-alias", "broker", "-file", brokerPem, "-keystore", broker, "-storepass", password);
      try {
        Files.deleteIfExists(Path.of(csr));
      } catch (IOException e) {
        // a left-over request holds no secret
      }
    }

    private void keytool(String... args) {
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      if (!Files.isExecutable(keytool)) {
        throw new PlatformException(PlatformException.NOT_INSTALLED,
            "this Java (" + System.getProperty("java.home") + ") has no bin/keytool; run FedStream on a full JDK.");
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(keytool.toString());
      cmd.addAll(List.of(args));
      Path log = dir.resolve("keytool.log");
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          ChildJvm.stop(p.toHandle(), Duration.ofSeconds(2));
          throw new PlatformException(PlatformException.START_FAILED, "keytool " + args[0] + " took more than 60 s");
        }
        if (p.exitValue() != 0) {
          throw new PlatformException(PlatformException.START_FAILED, "keytool " + args[0] + " failed (exit "
              + p.exitValue() + "):\n" + new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        throw new PlatformException(PlatformException.IO, "cannot run " + keytool + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PlatformException(PlatformException.START_FAILED, "interrupted while running keytool");
      }
    }
  }
}
