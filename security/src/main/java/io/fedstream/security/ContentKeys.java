package io.fedstream.security;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The content keys of one site's small sealed payloads, kept per set of recipients so that the
 * public-key work is done once per peer, not once per message.
 *
 * <p>Sending: the first payload to a set of recipients makes a fresh AES-256-GCM key and wraps it
 * with HPKE for each recipient, the wrap's context naming the sender and the recipient; later
 * payloads to the same recipients (same public keys) reuse the key and its wraps for
 * {@link #LIFETIME_MS} or {@link #MAX_USES} payloads, whichever ends first. Each payload is still
 * encrypted with a fresh random nonce, its {@link Identity} as associated data, and signed on its
 * own (identity, wraps, ciphertext digest), so it cannot be moved to another message.
 *
 * <p>Receiving: a wraps section already opened for a sender gives its key back without HPKE, but
 * only after the payload's own signature has been checked; a key is remembered only after a
 * payload under it was signed by the claimed sender and authenticated.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} keys each way (then the cache starts over). Thread-safe.
 */
final class ContentKeys {

  static final long LIFETIME_MS = 10 * 60 * 1000L;
  static final long MAX_USES = 1L << 20;
  static final int MAX_ENTRIES = 1024;
  private static final byte[] WRAP_LABEL = "fedstream-wrap-v2".getBytes(StandardCharsets.US_ASCII);

  /** A content key with the wraps section that carries it to its recipients. */
  static final class Outgoing {
    final Aead aead;
    final byte[] section;
    final long expiresAtMs;
    final AtomicLong uses = new AtomicLong();

    Outgoing(Aead aead, byte[] section, long expiresAtMs) {
      this.aead = aead;
      this.section = section;
      this.expiresAtMs = expiresAtMs;
    }
  }

  private final Map<String, Outgoing> outgoing = new ConcurrentHashMap<>();
  private final Map<String, Aead> incoming = new ConcurrentHashMap<>();

  /** The context of a reusable wrap: the sender and the recipient, not a message. */
  static byte[] wrapContext(String sender, String recipient) {
    byte[] s = sender.getBytes(StandardCharsets.UTF_8);
    byte[] r = recipient.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(WRAP_LABEL.length + s.length + r.length + 4);
    try (DataOutputStream d = new DataOutputStream(out)) {
      d.write(WRAP_LABEL);
      d.writeShort(s.length);
      d.write(s);
      d.writeShort(r.length);
      d.write(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The key (and wraps) to seal the next payload from {@code sender} to {@code recipients} with. */
  Outgoing forRecipients(String sender, Collection<SitePublicKeys> recipients, long nowMs)
      throws GeneralSecurityException, IOException {
    StringBuilder k = new StringBuilder();
    for (SitePublicKeys r : recipients) {
      k.append(r.siteId()).append('\u0000').append(r.keyId()).append('\u0001');
    }
    String key = k.toString();
    Outgoing o = outgoing.get(key);
    if (o != null && nowMs < o.expiresAtMs && o.uses.incrementAndGet() <= MAX_USES) {
      return o;
    }
    KeysetHandle content = KeysetHandle.generateNew(KeyTemplates.get(Tink.CONTENT));
    byte[] serialized = TinkProtoKeysetFormat.serializeKeyset(content, InsecureSecretKeyAccess.get());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 * recipients.size());
    DataOutputStream wraps = new DataOutputStream(bytes);
    wraps.writeShort(recipients.size());
    for (SitePublicKeys r : recipients) {
      wraps.writeUTF(r.siteId());
      byte[] w = r.hybridEncrypt().encrypt(serialized, wrapContext(sender, r.siteId()));
      wraps.writeInt(w.length);
      wraps.write(w);
    }
    wraps.flush();
    o = new Outgoing(content.getPrimitive(RegistryConfiguration.get(), Aead.class), bytes.toByteArray(),
        nowMs + LIFETIME_MS);
    o.uses.incrementAndGet();
    if (outgoing.size() >= MAX_ENTRIES) {
      outgoing.clear();
    }
    outgoing.put(key, o);
    return o;
  }

  /** A key already opened from this sender's wraps section, or null. */
  Aead incoming(String sender, byte[] sectionDigest) {
    return incoming.get(incomingKey(sender, sectionDigest));
  }

  /** Remembers a key opened from a sender's wraps section (call only once a payload under it checked out). */
  void remember(String sender, byte[] sectionDigest, Aead aead) {
    if (incoming.size() >= MAX_ENTRIES) {
      incoming.clear();
    }
    incoming.put(incomingKey(sender, sectionDigest), aead);
  }

  private static String incomingKey(String sender, byte[] sectionDigest) {
    return sender + '\u0000' + HexFormat.of().formatHex(sectionDigest);
  }
}
