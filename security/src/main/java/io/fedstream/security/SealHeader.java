package io.fedstream.security;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header of a sealed payload as read ({@link Sealer} writes it): its mode, for a stream the
 * plaintext size, for a whole payload under a shared key the SHA-256 of its ciphertext, the recipients and their wrapped content keys, the wraps section as it was
 * signed, and the signature.
 */
record SealHeader(byte mode, long size, byte[] digest, List<String> recipients, List<byte[]> wraps, byte[] section, byte[] signature) {

  /**
   * Reads a header of the given mode ({@link Sealer#WHOLE} also accepts {@link Sealer#SHARED}).
   *
   * @throws SealException {@code TAMPERED} if it is not a well-formed header of that mode
   */
  static SealHeader read(DataInputStream in, byte mode, Identity id) throws SealException {
    try {
      byte[] magic = in.readNBytes(4);
      byte actual = magic.length == Sealer.MAGIC.length ? in.readByte() : 0;
      if (!Arrays.equals(magic, Sealer.MAGIC) || !(actual == mode || (mode == Sealer.WHOLE && actual == Sealer.SHARED))) {
        throw new IOException("not a sealed payload of this kind");
      }
      mode = actual;
      long size = mode == Sealer.STREAM ? in.readLong() : -1;
      byte[] digest = mode == Sealer.SHARED ? in.readNBytes(32) : null;
      if (digest != null && digest.length != 32) {
        throw new IOException("cut");
      }
      if (mode == Sealer.STREAM && size < 0) {
        throw new IOException("negative size");
      }
      ByteArrayOutputStream sectionBytes = new ByteArrayOutputStream();
      DataOutputStream section = new DataOutputStream(sectionBytes);
      int n = in.readUnsignedShort();
      section.writeShort(n);
      List<String> ids = new ArrayList<>(n);
      List<byte[]> wraps = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String r = in.readUTF();
        int len = in.readInt();
        if (len < 0 || len > 1 << 16) {
          throw new IOException("bad wrap length");
        }
        byte[] w = in.readNBytes(len);
        if (w.length != len) {
          throw new IOException("cut");
        }
        section.writeUTF(r);
        section.writeInt(len);
        section.write(w);
        ids.add(r);
        wraps.add(w);
      }
      section.flush();
      int sigLen = in.readUnsignedShort();
      byte[] sig = in.readNBytes(sigLen);
      if (sig.length != sigLen) {
        throw new IOException("cut");
      }
      return new SealHeader(mode, size, digest, ids, wraps, sectionBytes.toByteArray(), sig);
    } catch (IOException e) {
      throw new SealException(SealException.Reason.TAMPERED, "message " + id.messageId() + " from " + id.source()
          + " is not a well-formed sealed payload: " + e.getMessage());
    }
  }

  /** Whether the claimed source signed these bytes. */
  boolean verify(SitePublicKeys sender, Identity id, byte[] ciphertextDigest) {
    if (sender == null || !sender.siteId().equals(id.source())) {
      return false;
    }
    try {
      sender.verifier().verify(signature, Sealer.signedBytes(mode, id, section, ciphertextDigest));
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The content key wrapped for {@code own}; fails with WRONG_KEY, or BAD_SIGNATURE if also unsigned. */
  KeysetHandle unwrap(SiteKeys own, Identity id, boolean signed) throws SealException {
    int i = recipients.indexOf(own.siteId());
    if (i < 0) {
      throw new SealException(SealException.Reason.WRONG_KEY, "message " + id.messageId() + " from " + id.source()
          + " is sealed for " + recipients + ", not for " + own.siteId());
    }
    try {
      byte[] context = mode == Sealer.SHARED ? ContentKeys.wrapContext(id.source(), own.siteId())
          : Sealer.wrapContext(id, own.siteId());
      byte[] key = own.hybridDecrypt().decrypt(wraps.get(i), context);
      return TinkProtoKeysetFormat.parseKeyset(key, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      if (!signed) {
        throw Sealer.badSignature(id);
      }
      throw new SealException(SealException.Reason.WRONG_KEY, "message " + id.messageId() + " from " + id.source()
          + " is sealed to a key " + own.siteId() + " does not hold (rotated out, or another site's)");
    }
  }
}
