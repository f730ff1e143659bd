package io.fedstream.security;

import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A site's public keys: the HPKE key others encrypt to, and the Ed25519 key that checks the site's
 * signatures. This is what the router publishes in the {@code Site} record's {@code publicKey}
 * field ({@link #toBytes()}); it holds no secret, and the router cannot decrypt with it.
 *
 * <p>Encoding of {@link #toBytes()}: the byte {@code 1} (version), then two length-prefixed
 * (4-byte big-endian) Tink binary keysets without secrets: the HPKE public keyset, then the
 * Ed25519 public keyset.
 */
public final class SitePublicKeys {

  static {
    Tink.register();
  }

  private static final byte VERSION = 1;

  private final String siteId;
  private final KeysetHandle encryptTo;
  private final KeysetHandle verify;
  private final HybridEncrypt hybridEncrypt;
  private final PublicKeyVerify publicKeyVerify;

  SitePublicKeys(String siteId, KeysetHandle encryptTo, KeysetHandle verify) {
    this.siteId = Objects.requireNonNull(siteId, "siteId");
    this.encryptTo = encryptTo;
    this.verify = verify;
    try {
      this.hybridEncrypt = encryptTo.getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
      this.publicKeyVerify = verify.getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a site's public keys (HPKE and Ed25519 public keysets): " + e.getMessage(), e);
    }
  }

  /**
   * Reads public keys from their {@link #toBytes()} form, as found in a {@code Site} record.
   *
   * @param siteId the site they belong to
   * @param bytes the encoded keys
   * @return the keys
   * @throws IllegalArgumentException if the bytes are not an encoding of public keys (or hold a secret)
   */
  public static SitePublicKeys fromBytes(String siteId, byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.get() != VERSION) {
        throw new IllegalArgumentException("unknown public-key encoding version");
      }
      byte[] hpke = new byte[b.getInt()];
      b.get(hpke);
      byte[] sig = new byte[b.getInt()];
      b.get(sig);
      return new SitePublicKeys(siteId, TinkProtoKeysetFormat.parseKeysetWithoutSecret(hpke),
          TinkProtoKeysetFormat.parseKeysetWithoutSecret(sig));
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().startsWith("not a site")) {
        throw iae;
      }
      throw new IllegalArgumentException("public keys of site " + siteId + " do not decode: " + e.getMessage(), e);
    }
  }

  /** The encoding published in the {@code Site} record (see the class comment). */
  public byte[] toBytes() {
    try {
      byte[] hpke = TinkProtoKeysetFormat.serializeKeysetWithoutSecret(encryptTo);
      byte[] sig = TinkProtoKeysetFormat.serializeKeysetWithoutSecret(verify);
      return ByteBuffer.allocate(1 + 4 + hpke.length + 4 + sig.length)
          .put(VERSION).putInt(hpke.length).put(hpke).putInt(sig.length).put(sig).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The site these keys belong to. */
  public String siteId() {
    return siteId;
  }

  /** The id of the current (primary) encryption key; changes when the site rotates its keys. */
  public String keyId() {
    return Integer.toUnsignedString(encryptTo.getPrimary().getId());
  }

  HybridEncrypt hybridEncrypt() {
    return hybridEncrypt;
  }

  PublicKeyVerify verifier() {
    return publicKeyVerify;
  }

  @Override
  public String toString() {
    return "SitePublicKeys[" + siteId + ", key " + keyId() + "]";
  }
}
