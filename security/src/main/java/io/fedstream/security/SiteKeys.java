package io.fedstream.security;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A site's private keys for end-to-end encryption: an HPKE keyset (X25519, AES-256-GCM) whose
 * primary key others encrypt to, and an Ed25519 keyset the site signs with. They stay in the
 * site's startup kit; only {@link #publicKeys()} leaves it.
 *
 * <p>Rotation: {@link #rotate} adds a new primary encryption key and keeps the old ones, so that
 * messages sealed to an old key before the peers saw the new one still open; {@link #retire}
 * drops the keys that stopped being primary longer ago than a grace period. Messages sealed to a
 * dropped key fail with {@link SealException.Reason#WRONG_KEY}.
 *
 * <p>Files ({@link #write}, {@link #read}), in the kit's {@code keys/} folder:
 * <pre>
 *   hpke-private.json       Tink JSON keyset, with secrets (mode 600)
 *   ed25519-private.json    Tink JSON keyset, with secrets (mode 600)
 *   rotation.properties     key id = when it stopped being primary (epoch ms)
 *   public.bin              {@link SitePublicKeys#toBytes()}: what the Site record publishes
 * </pre>
 */
public final class SiteKeys {

  static {
    Tink.register();
  }

  private final String siteId;
  private final KeysetHandle decrypt;
  private final KeysetHandle sign;
  private final Map<Integer, Instant> demotedAt;
  private final HybridDecrypt hybridDecrypt;
  private final PublicKeySign signer;
  private final SitePublicKeys publicKeys;

  private SiteKeys(String siteId, KeysetHandle decrypt, KeysetHandle sign, Map<Integer, Instant> demotedAt) {
    this.siteId = Objects.requireNonNull(siteId, "siteId");
    this.decrypt = decrypt;
    this.sign = sign;
    this.demotedAt = Map.copyOf(demotedAt);
    try {
      this.hybridDecrypt = decrypt.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
      this.signer = sign.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
      this.publicKeys = new SitePublicKeys(siteId, decrypt.getPublicKeysetHandle(), sign.getPublicKeysetHandle());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a site's private keys: " + e.getMessage(), e);
    }
  }

  /**
   * Generates new keys for a site.
   *
   * @param siteId the site
   * @return fresh keys: one HPKE key and one Ed25519 key
   */
  public static SiteKeys generate(String siteId) {
    try {
      return new SiteKeys(siteId, KeysetHandle.generateNew(com.google.crypto.tink.KeyTemplates.get(Tink.HPKE)),
          KeysetHandle.generateNew(com.google.crypto.tink.KeyTemplates.get(Tink.ED25519)), Map.of());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate keys: " + e.getMessage(), e);
    }
  }

  /** The site these keys belong to. */
  public String siteId() {
    return siteId;
  }

  /** The public half, for the {@code Site} record. */
  public SitePublicKeys publicKeys() {
    return publicKeys;
  }

  /** How many encryption keys this site can still decrypt with (1 unless rotated within the grace period). */
  public int decryptionKeys() {
    return decrypt.size();
  }

  /**
   * A new primary encryption key; the previous ones still decrypt until {@link #retire} drops them.
   *
   * @param now when the old primary stops being primary
   * @return the rotated keys (this object is unchanged)
   */
  public SiteKeys rotate(Instant now) {
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(decrypt);
      Map<Integer, Instant> demoted = new TreeMap<>(demotedAt);
      demoted.put(decrypt.getPrimary().getId(), now);
      b.addEntry(KeysetHandle.generateEntryFromParametersName(Tink.HPKE).withRandomId().makePrimary());
      return new SiteKeys(siteId, b.build(), sign, demoted);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot rotate keys: " + e.getMessage(), e);
    }
  }

  /**
   * Drops the encryption keys that stopped being primary more than {@code grace} before {@code now}.
   *
   * @return the keys without them (this object is unchanged)
   */
  public SiteKeys retire(Duration grace, Instant now) {
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder(decrypt);
      Map<Integer, Instant> demoted = new TreeMap<>(demotedAt);
      for (int i = b.size() - 1; i >= 0; i--) {
        int id = decrypt.getAt(i).getId();
        Instant at = demotedAt.get(id);
        if (!decrypt.getAt(i).isPrimary() && at != null && at.plus(grace).isBefore(now)) {
          b.deleteAt(i);
          demoted.remove(id);
        }
      }
      return new SiteKeys(siteId, b.build(), sign, demoted);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot retire keys: " + e.getMessage(), e);
    }
  }

  HybridDecrypt hybridDecrypt() {
    return hybridDecrypt;
  }

  PublicKeySign signer() {
    return signer;
  }

  /**
   * Writes the keys into {@code dir} (created if missing); the private files are readable by their
   * owner only.
   *
   * @throws IOException if a file cannot be written
   */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      writePrivate(dir.resolve("hpke-private.json"),
          TinkJsonProtoKeysetFormat.serializeKeyset(decrypt, InsecureSecretKeyAccess.get()).getBytes(StandardCharsets.UTF_8));
      writePrivate(dir.resolve("ed25519-private.json"),
          TinkJsonProtoKeysetFormat.serializeKeyset(sign, InsecureSecretKeyAccess.get()).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot serialise keys: " + e.getMessage(), e);
    }
    Properties p = new Properties();
    p.setProperty("site", siteId);
    demotedAt.forEach((id, at) -> p.setProperty(Integer.toUnsignedString(id), Long.toString(at.toEpochMilli())));
    try (OutputStream out = Files.newOutputStream(dir.resolve("rotation.properties"))) {
      p.store(out, "site id, and encryption key id = when it stopped being primary (epoch ms)");
    }
    Files.write(dir.resolve("public.bin"), publicKeys.toBytes());
  }

  /**
   * Reads keys written by {@link #write}.
   *
   * @throws IOException if a file is missing or does not parse
   */
  public static SiteKeys read(Path dir) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve("rotation.properties"))) {
      p.load(in);
    }
    Map<Integer, Instant> demoted = new TreeMap<>();
    for (String k : p.stringPropertyNames()) {
      if (!k.equals("site")) {
        demoted.put(Integer.parseUnsignedInt(k), Instant.ofEpochMilli(Long.parseLong(p.getProperty(k))));
      }
    }
    try {
      return new SiteKeys(p.getProperty("site"),
          TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(dir.resolve("hpke-private.json")), InsecureSecretKeyAccess.get()),
          TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(dir.resolve("ed25519-private.json")), InsecureSecretKeyAccess.get()),
          demoted);
    } catch (GeneralSecurityException e) {
      throw new IOException("keys in " + dir + " do not parse: " + e.getMessage(), e);
    }
  }

  private static void writePrivate(Path file, byte[] data) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the kit folder's own protection applies
    }
    Files.write(file, data);
  }

  @Override
  public String toString() {
    return "SiteKeys[" + siteId + ", " + decrypt.size() + " decryption key(s), private]";
  }
}
