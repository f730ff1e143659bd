package io.fedstream.security;

import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.security.GeneralSecurityException;

/** Registers the Tink primitives FedStream uses, once. */
final class Tink {

  /** HPKE: X25519 key agreement, HKDF-SHA256, AES-256-GCM (RFC 9180), with Tink's key-id prefix. */
  static final String HPKE = "DHKEM_X25519_HKDF_SHA256_HKDF_SHA256_AES_256_GCM";
  /** Ed25519 signatures, with Tink's key-id prefix. */
  static final String ED25519 = "ED25519";
  /** The content key of a sealed payload: AES-256-GCM without a prefix. */
  static final String CONTENT = "AES256_GCM_RAW";
  /** The content key of a sealed stream: AES-GCM-HKDF with 1 MiB segments. */
  static final String CONTENT_STREAM = "AES256_GCM_HKDF_1MB";

  private static boolean registered;

  private Tink() {
  }

  static synchronized void register() {
    if (registered) {
      return;
    }
    try {
      AeadConfig.register();
      HybridConfig.register();
      SignatureConfig.register();
      StreamingAeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot register Tink's primitives: " + e.getMessage(), e);
    }
    registered = true;
  }
}
