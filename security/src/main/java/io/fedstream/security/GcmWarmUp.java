package io.fedstream.security;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Compiles the JDK's AES-GCM path before the first sealed stream, once per JVM.
 *
 * <p>Why: a sealed stream encrypts or decrypts one 1 MiB segment per {@code Cipher.doFinal}. The
 * JDK reaches its AES-GCM intrinsics (AES-NI, carry-less multiply) only from code its optimising
 * compiler has compiled, and that happens after some thousands of calls; at one call per MiB, a
 * fresh JVM ran the first 700 MiB or so of a stream through the plain Java fallback at about
 * 80 MB/s of CPU, then at over 2 GB/s (measured on OpenJDK 17). A few thousand small AES-GCM
 * operations on a throwaway key, about 0.25 s of CPU once, get the same code compiled, so a
 * node's first large payload is sealed and opened at full speed.
 */
final class GcmWarmUp {

  private static final int ROUNDS = 12_000;
  private static final int BYTES = 256;
  private static volatile boolean done;

  private GcmWarmUp() {
  }

  /** Runs the warm-up unless it ran in this JVM already; never fails (it is only about speed). */
  static void ensure() {
    if (done) {
      return;
    }
    synchronized (GcmWarmUp.class) {
      if (done) {
        return;
      }
      try {
        run();
      } catch (GeneralSecurityException | RuntimeException e) {
        // no warm-up: sealing still works, only its first megabytes are slower
      }
      done = true;
    }
  }

  private static void run() throws GeneralSecurityException {
    SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    ByteBuffer plain = ByteBuffer.allocate(BYTES);
    ByteBuffer sealed = ByteBuffer.allocate(BYTES + 16);
    byte[] nonce = new byte[12];
    for (int i = 0; i < ROUNDS; i++) {
      nonce[0] = (byte) i;
      nonce[1] = (byte) (i >> 8);
      GCMParameterSpec spec = new GCMParameterSpec(128, nonce);
      cipher.init(Cipher.ENCRYPT_MODE, key, spec);
      plain.clear();
      sealed.clear();
      cipher.doFinal(plain, sealed);
      cipher.init(Cipher.DECRYPT_MODE, key, spec);
      sealed.flip();
      plain.clear();
      cipher.doFinal(sealed, plain);
    }
  }
}
