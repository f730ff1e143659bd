package io.fedstream.security;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Seals payloads end to end for one site: encrypts them to their recipients' public keys and signs
 * them with the site's own key; opens what others sealed to it. Built on Google Tink only (HPKE,
 * Ed25519, AES-256-GCM, AES-GCM-HKDF streaming); no primitive is written here.
 *
 * <p>How a payload is sealed (whole, {@link #seal}; or as a stream, {@link #sealStream}):
 * <ol>
 *   <li>a content key (a Tink AES-256-GCM keyset, or AES-GCM-HKDF with 1 MiB segments for a
 *       stream) encrypts the payload once, with the {@link Identity} as associated data;
 *   <li>the content key is wrapped for each recipient with HPKE to the recipient's public key, so a
 *       broadcast to N sites is one ciphertext and N small wraps. A stream gets a fresh key, its
 *       wrap's context naming the identity and the recipient. Whole payloads share a key per set of
 *       recipients for a while ({@link ContentKeys}: ten minutes or 2^20 payloads), its wraps'
 *       context naming the sender and the recipient, so the public-key work is done once per peer
 *       and not per message; the receiver keeps keys it opened the same way;
 *   <li>the sender signs (Ed25519), per payload, the identity, the digest of the wraps and, for whole
 *       payloads, the SHA-256 of the ciphertext (for a stream, its plaintext size).
 * </ol>
 * A stream's segments carry their index and a last-segment flag inside Tink's streaming AEAD, so
 * segments (and the SDK's chunks that carry them) cannot be reordered, swapped, dropped or cut off
 * undetected.
 *
 * <p>Framing: {@code "FSS1"}, mode byte (1 whole with its own key, 2 stream, 3 whole with a shared
 * key; {@link #seal} writes 3 and {@link #open} reads 1 and 3), for a stream the plaintext size (8
 * bytes, signed), for mode 3 the ciphertext's SHA-256 (32 bytes, signed; a ciphertext that does
 * not match it is {@code TAMPERED}, a digest that is not the signed one {@code BAD_SIGNATURE}), recipient count (2 bytes), per
 * recipient its id (modified UTF-8, 2-byte length) and wrapped key (4-byte length), the signature
 * (2-byte length), then the ciphertext to the end.
 *
 * <p>Opening fails with a {@link SealException} whose reason says why: {@code WRONG_KEY} (nothing
 * for this site, or for a key it no longer has), {@code TAMPERED} (the ciphertext or framing
 * changed), {@code BAD_SIGNATURE} (the claimed source did not sign this; a spoofed source lands
 * here). Thread-safe; the only state is the cache of content keys.
 */
public final class Sealer {

  static {
    Tink.register();
  }

  static final byte[] MAGIC = "FSS1".getBytes(StandardCharsets.US_ASCII);
  static final byte WHOLE = 1;
  static final byte STREAM = 2;
  /** A whole payload under a content key shared by the sender's payloads to the same recipients. */
  static final byte SHARED = 3;
  private static final byte[] WRAP_LABEL = "fedstream-wrap-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SIGN_LABEL = "fedstream-sign-v1".getBytes(StandardCharsets.US_ASCII);
  /** The content type of a sealed payload. */
  public static final String CONTENT_TYPE = "application/vnd.fedstream.sealed";

  private final SiteKeys own;
  private final ContentKeys contentKeys = new ContentKeys();

  /**
   * A sealer for a site.
   *
   * @param own the site's private keys
   */
  public Sealer(SiteKeys own) {
    this.own = Objects.requireNonNull(own, "own");
  }

  /** The site this sealer speaks for. */
  public String siteId() {
    return own.siteId();
  }

  /**
   * Seals a payload held in memory.
   *
   * @param id the envelope fields to bind; {@code id.source()} should be this site
   * @param plaintext the payload
   * @param recipients who may open it (one for a message, every member for a broadcast)
   * @return the sealed bytes
   * @throws IllegalArgumentException if there is no recipient
   */
  public byte[] seal(Identity id, byte[] plaintext, Collection<SitePublicKeys> recipients) {
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("a sealed payload needs at least one recipient");
    }
    try {
      ContentKeys.Outgoing key = contentKeys.forRecipients(own.siteId(), recipients, System.currentTimeMillis());
      byte[] ad = id.encode();
      byte[] ct = key.aead.encrypt(plaintext, ad);
      byte[] digest = sha256(ct);
      byte[] signature = own.signer().sign(signedBytes(SHARED, id, key.section, digest));
      ByteArrayOutputStream out = new ByteArrayOutputStream(ct.length + key.section.length + signature.length + 48);
      DataOutputStream d = new DataOutputStream(out);
      d.write(MAGIC);
      d.writeByte(SHARED);
      d.write(digest);
      d.write(key.section);
      d.writeShort(signature.length);
      d.write(signature);
      d.write(ct);
      d.flush();
      return out.toByteArray();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Opens a payload sealed with {@link #seal}.
   *
   * @param id the envelope fields as received
   * @param sealed the sealed bytes
   * @param sender the public keys of the claimed source ({@code id.source()})
   * @return the plaintext
   * @throws SealException with the reason it does not open
   */
  public byte[] open(Identity id, byte[] sealed, SitePublicKeys sender) throws SealException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(sealed));
    SealHeader h = SealHeader.read(in, WHOLE, id);
    byte[] ct = Arrays.copyOfRange(sealed, sealed.length - remaining(in), sealed.length);
    byte[] digest = sha256(ct);
    if (h.digest() != null && !MessageDigest.isEqual(digest, h.digest())) {
      throw new SealException(SealException.Reason.TAMPERED, "the ciphertext of message " + id.messageId()
          + " from " + id.source() + " does not match its digest");
    }
    boolean signed = h.verify(sender, id, digest);
    byte[] sectionDigest = h.mode() == SHARED ? sha256(h.section()) : null;
    Aead known = signed && sectionDigest != null ? contentKeys.incoming(id.source(), sectionDigest) : null;
    byte[] plain;
    try {
      Aead aead = known != null ? known : h.unwrap(own, id, signed).getPrimitive(RegistryConfiguration.get(), Aead.class);
      plain = aead.decrypt(ct, id.encode());
      if (known == null && signed && sectionDigest != null) {
        contentKeys.remember(id.source(), sectionDigest, aead);
      }
    } catch (GeneralSecurityException e) {
      if (!signed && h.digest() != null) {
        // the ciphertext is the one whose digest is in the header, so what changed is the envelope
        // fields it is bound to (or the source is spoofed): the signature is the reason
        throw badSignature(id);
      }
      throw new SealException(SealException.Reason.TAMPERED, "the ciphertext of message " + id.messageId()
          + " from " + id.source() + " does not authenticate");
    }
    if (!signed) {
      throw badSignature(id);
    }
    return plain;
  }

  /**
   * Prepares a sealed stream of {@code plaintextSize} bytes: builds and signs its header now; the
   * ciphertext is made while {@link SealedStream#encrypt} is read, one 1 MiB segment at a time.
   *
   * @param id the envelope fields to bind
   * @param recipients who may open it
   * @param plaintextSize the exact size of the plaintext (signed into the header)
   * @return the sealed stream's header and sizes
   */
  public SealedStream sealStream(Identity id, Collection<SitePublicKeys> recipients, long plaintextSize) {
    try {
      GcmWarmUp.ensure();
      KeysetHandle content = KeysetHandle.generateNew(KeyTemplates.get(Tink.CONTENT_STREAM));
      ByteArrayOutputStream header = new ByteArrayOutputStream(256 + 128 * recipients.size());
      writeHeader(new DataOutputStream(header), STREAM, id, content, recipients, sizeBytes(plaintextSize));
      AesGcmHkdfStreaming segments = (AesGcmHkdfStreaming) AesGcmHkdfStreaming.create(
          (AesGcmHkdfStreamingKey) content.getPrimary().getKey());
      return new SealedStream(header.toByteArray(),
          content.getPrimitive(RegistryConfiguration.get(), StreamingAead.class), segments, id.encode(), plaintextSize);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Seals a stream pushed into the returned stream: writes the header to {@code target}, then the
   * ciphertext as the plaintext is written; close it to write the last segment.
   *
   * @param id the envelope fields to bind
   * @param recipients who may open it
   * @param plaintextSize the exact number of bytes that will be written
   * @param target where the sealed bytes go
   * @return the plaintext side
   * @throws IOException if the target fails
   */
  public OutputStream sealing(Identity id, Collection<SitePublicKeys> recipients, long plaintextSize, OutputStream target)
      throws IOException {
    SealedStream s = sealStream(id, recipients, plaintextSize);
    target.write(s.header());
    return s.encrypting(target);
  }

  /**
   * Opens a sealed stream: checks the header (signature, key) at once, then decrypts while it is
   * read; a changed, missing, reordered or cut segment fails the read with an {@link IOException}
   * whose cause is a {@link SealException} {@code TAMPERED}.
   *
   * @param id the envelope fields as received
   * @param sealed the sealed stream
   * @param sender the claimed source's public keys
   * @return the plaintext's size (as signed) and stream
   * @throws SealException if the header is not for this site or not signed by the source
   */
  public OpenedStream openStream(Identity id, InputStream sealed, SitePublicKeys sender) throws SealException {
    GcmWarmUp.ensure();
    DataInputStream in = new DataInputStream(sealed);
    SealHeader h = SealHeader.read(in, STREAM, id);
    boolean signed = h.verify(sender, id, sizeBytes(h.size()));
    KeysetHandle content = h.unwrap(own, id, signed);
    if (!signed) {
      throw badSignature(id);
    }
    try {
      InputStream plain = content.getPrimitive(RegistryConfiguration.get(), StreamingAead.class)
          .newDecryptingStream(in, id.encode());
      return new OpenedStream(h.size(), new java.io.FilterInputStream(plain) {
        @Override
        public int read() throws IOException {
          try {
            return super.read();
          } catch (IOException e) {
            throw tampered(id, e);
          }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          try {
            return super.read(b, off, len);
          } catch (IOException e) {
            throw tampered(id, e);
          }
        }
      });
    } catch (GeneralSecurityException | IOException e) {
      throw new SealException(SealException.Reason.TAMPERED, "the stream of message " + id.messageId() + " does not open");
    }
  }

  /** Opens a sealed stream, for callers that know its size; see {@link #openStream}. */
  public InputStream opening(Identity id, InputStream sealed, SitePublicKeys sender) throws SealException {
    return openStream(id, sealed, sender).stream();
  }

  /** An opened sealed stream: the plaintext's size, as the sender signed it, and the plaintext. */
  public record OpenedStream(long size, InputStream stream) {
  }

  private static byte[] sizeBytes(long size) {
    return java.nio.ByteBuffer.allocate(8).putLong(size).array();
  }

  private static IOException tampered(Identity id, IOException e) {
    return new IOException("a segment of message " + id.messageId() + " from " + id.source()
        + " does not authenticate (changed, reordered, missing or cut)",
        new SealException(SealException.Reason.TAMPERED, e.getMessage()));
  }

  static SealException badSignature(Identity id) {
    return new SealException(SealException.Reason.BAD_SIGNATURE, "message " + id.messageId()
        + " is not signed by its source " + id.source() + " (spoofed source or changed envelope fields)");
  }

  private void writeHeader(DataOutputStream out, byte mode, Identity id, KeysetHandle content,
      Collection<SitePublicKeys> recipients, byte[] ciphertextDigest) throws IOException, GeneralSecurityException {
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("a sealed payload needs at least one recipient");
    }
    byte[] key = TinkProtoKeysetFormat.serializeKeyset(content, InsecureSecretKeyAccess.get());
    ByteArrayOutputStream wrapsBytes = new ByteArrayOutputStream(128 * recipients.size());
    DataOutputStream wraps = new DataOutputStream(wrapsBytes);
    wraps.writeShort(recipients.size());
    for (SitePublicKeys r : recipients) {
      wraps.writeUTF(r.siteId());
      byte[] w = r.hybridEncrypt().encrypt(key, wrapContext(id, r.siteId()));
      wraps.writeInt(w.length);
      wraps.write(w);
    }
    wraps.flush();
    byte[] recipientsSection = wrapsBytes.toByteArray();
    byte[] signature = own.signer().sign(signedBytes(mode, id, recipientsSection, ciphertextDigest));
    out.write(MAGIC);
    out.writeByte(mode);
    if (mode == STREAM) {
      out.write(ciphertextDigest); // the plaintext size, 8 bytes, signed like a digest
    }
    out.write(recipientsSection);
    out.writeShort(signature.length);
    out.write(signature);
  }

  static byte[] wrapContext(Identity id, String recipient) {
    byte[] i = id.encode();
    byte[] r = recipient.getBytes(StandardCharsets.UTF_8);
    return concat(WRAP_LABEL, i, r);
  }

  static byte[] signedBytes(byte mode, Identity id, byte[] recipientsSection, byte[] ciphertextDigest) {
    return concat(SIGN_LABEL, new byte[] {mode}, id.encode(), sha256(recipientsSection), ciphertextDigest);
  }


  private static int remaining(DataInputStream in) {
    try {
      return in.available();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }


  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
