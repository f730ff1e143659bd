package io.fedstream.node.internal;

import io.fedstream.avro.ChunkDescriptor;
import io.fedstream.avro.Envelope;
import io.fedstream.avro.Transfer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reassembles chunked payloads into files as their CHUNK records arrive: each chunk must be the
 * next one, starting where the previous one ended; its bytes are written at their offset, so at
 * most one chunk is in memory, and go into the whole payload's SHA-256, which is checked when the
 * announcing envelope arrives. Each chunk's own SHA-256 is kept (in a small side file, 36 bytes a
 * chunk) rather than computed as the chunk passes: the whole digest covers every byte already, so
 * a chunk is hashed once on the way in, and only when the whole digest does not match is the file
 * read back to name the first chunk that does not match its own. A missing or corrupt chunk fails
 * only that payload. A transfer that makes no progress for the stall timeout is abandoned. Used by
 * the poll thread only.
 */
final class Reassembler {

  private static final Logger LOG = LoggerFactory.getLogger(Reassembler.class);

  /** The result of completing one payload. */
  static final class Result {
    final Path file;
    final String error;
    final List<Offsets.Token> tokens;

    Result(Path file, String error, List<Offsets.Token> tokens) {
      this.file = file;
      this.error = error;
      this.tokens = tokens;
    }
  }

  private static final class Partial {
    final Path path;
    final FileChannel channel;
    /** Per chunk: its length (4 bytes) and its announced SHA-256 (32 bytes). */
    final Path digestsPath;
    final DataOutputStream digests;
    final MessageDigest whole = sha256();
    final List<Offsets.Token> tokens = new ArrayList<>();
    int count;
    int next;
    long bytes;
    String error;
    long lastProgressMs;
    /** When the last chunk arrived (or the transfer failed): only its envelope is awaited then. */
    long chunksDoneMs = -1;

    Partial(Path path) throws IOException {
      this.path = path;
      this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
      this.digestsPath = path.resolveSibling(path.getFileName() + ".sha");
      DataOutputStream d;
      try {
        d = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(digestsPath), 8192));
      } catch (IOException e) {
        channel.close();
        Files.deleteIfExists(path);
        throw e;
      }
      this.digests = d;
    }
  }

  private static final int SHA256_BYTES = 32;

  /**
   * How long the chunks of a transfer that has all of them (or has failed) wait for the envelope
   * that announces them. The sender writes it right after the last chunk, in the same partition;
   * chunks whose envelope never comes (the sender died in between) release their positions after
   * this instead of holding back the partition's commits for the whole stall timeout.
   */
  static final long ORPHAN_MS = 30_000;

  private final Path dir;
  private final long stallMs;
  private final Map<String, Partial> partials = new HashMap<>();

  Reassembler(Path dir, long stallMs) {
    this.dir = dir;
    this.stallMs = stallMs;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Takes one CHUNK record; its token is held until the payload is delivered or abandoned. */
  void chunk(String topic, Envelope e, Offsets.Token token, long nowMs) {
    ChunkDescriptor c = e.getChunk();
    if (c == null || e.getPayloads().size() != 1) {
      LOG.warn("CHUNK record {} on {} has no chunk descriptor or not one payload; ignored", e.getMessageId(), topic);
      token.done();
      return;
    }
    String key = topic + '|' + c.getTransferId() + '|' + c.getPayloadName();
    Partial p = partials.get(key);
    if (p == null) {
      try {
        Files.createDirectories(dir);
        p = new Partial(dir.resolve("fedstream-" + safe(c.getTransferId()) + "-" + safe(c.getPayloadName()) + ".part"));
      } catch (IOException ex) {
        LOG.error("cannot create a file for transfer {} in {}: {}", c.getTransferId(), dir, ex.toString());
        token.done();
        return;
      }
      partials.put(key, p);
    }
    p.tokens.add(token);
    p.lastProgressMs = nowMs;
    if (p.error != null) {
      return;
    }
    if (c.getIndex() < p.next) {
      return; // a redelivered chunk we already have
    }
    if (c.getIndex() > p.next) {
      p.error = "chunk " + p.next + " of " + c.getCount() + " is missing (chunk " + c.getIndex() + " came next)";
      return;
    }
    ByteBuffer data = e.getPayloads().get(0).getData();
    if (c.getOffset() != p.bytes) {
      p.error = "chunk " + c.getIndex() + " of " + c.getCount() + " starts at byte " + c.getOffset() + ", not at "
          + p.bytes + " where chunk " + (c.getIndex() - 1) + " ended";
      return;
    }
    if (c.getSha256().remaining() != SHA256_BYTES) {
      p.error = "chunk " + c.getIndex() + " of " + c.getCount() + " has a SHA-256 of " + c.getSha256().remaining()
          + " bytes, not " + SHA256_BYTES;
      return;
    }
    try {
      p.digests.writeInt(data.remaining());
      p.digests.write(bytes(c.getSha256()));
      ByteBuffer w = data.duplicate();
      long pos = c.getOffset();
      while (w.hasRemaining()) {
        pos += p.channel.write(w, pos);
      }
    } catch (IOException ex) {
      p.error = "cannot write chunk " + c.getIndex() + " to " + p.path + ": " + ex;
      return;
    }
    p.whole.update(data.duplicate());
    p.bytes += data.remaining();
    p.count = c.getCount();
    p.next++;
    if (p.next >= p.count) {
      p.chunksDoneMs = nowMs;
    }
  }

  /** Completes a payload announced by an envelope's Transfer; always returns (file or error). */
  Result complete(String topic, String payloadName, Transfer t) {
    Partial p = partials.remove(topic + '|' + t.getTransferId() + '|' + payloadName);
    if (p == null) {
      return new Result(null, "no chunk of payload '" + payloadName + "' (transfer " + t.getTransferId() + ") arrived",
          List.of());
    }
    close(p);
    String error = p.error;
    if (error == null && p.next != t.getChunkCount()) {
      error = "payload '" + payloadName + "' has " + p.next + " of " + t.getChunkCount() + " chunks";
    }
    if (error == null && p.bytes != t.getTotalSize()) {
      error = "payload '" + payloadName + "' has " + p.bytes + " of " + t.getTotalSize() + " bytes";
    }
    if (error == null && !MessageDigest.isEqual(p.whole.digest(), bytes(t.getSha256()))) {
      error = firstBadChunk(p);
      error = (error != null ? error + "; " : "") + "payload '" + payloadName + "' does not match its SHA-256";
    }
    delete(p.digestsPath);
    if (error != null) {
      delete(p.path);
      return new Result(null, error, p.tokens);
    }
    Path done = p.path.resolveSibling(p.path.getFileName().toString().replace(".part", ""));
    try {
      Files.move(p.path, done, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException ex) {
      delete(p.path);
      return new Result(null, "cannot move the reassembled payload to " + done + ": " + ex, p.tokens);
    }
    return new Result(done, null, p.tokens);
  }

  /**
   * Reads the reassembled file back chunk by chunk against the SHA-256 each chunk announced; the
   * first that does not match, or null when they all do (then the whole digest itself is wrong).
   */
  private static String firstBadChunk(Partial p) {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(p.digestsPath)));
         FileChannel file = FileChannel.open(p.path, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      byte[] announced = new byte[SHA256_BYTES];
      long pos = 0;
      for (int i = 0; i < p.next; i++) {
        int len = in.readInt();
        in.readFully(announced);
        MessageDigest d = sha256();
        for (long end = pos + len; pos < end;) {
          buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
          int n = file.read(buf, pos);
          if (n < 0) {
            return "chunk " + i + " of " + p.count + " is cut short";
          }
          d.update(buf.flip());
          pos += n;
        }
        if (!MessageDigest.isEqual(d.digest(), announced)) {
          return "chunk " + i + " of " + p.count + " does not match its SHA-256";
        }
      }
      return null;
    } catch (IOException e) {
      LOG.warn("cannot read {} back to find its bad chunk: {}", p.path, e.toString());
      return null;
    }
  }

  /**
   * Abandons transfers without progress for the stall timeout, and those with every chunk (or a
   * failure) whose envelope has not come within {@link #ORPHAN_MS}.
   */
  void expire(long nowMs) {
    for (Iterator<Map.Entry<String, Partial>> it = partials.entrySet().iterator(); it.hasNext();) {
      Partial p = it.next().getValue();
      boolean orphan = (p.chunksDoneMs >= 0 || p.error != null) && nowMs - p.lastProgressMs > ORPHAN_MS;
      if (orphan || nowMs - p.lastProgressMs > stallMs) {
        if (orphan) {
          LOG.warn("abandoning transfer into {}: {} for {} ms, and no envelope announced it", p.path,
              p.error != null ? "failed (" + p.error + ")" : "every chunk arrived", ORPHAN_MS);
        } else {
          LOG.warn("abandoning transfer into {}: no chunk for {} ms", p.path, stallMs);
        }
        it.remove();
        close(p);
        delete(p.path);
        delete(p.digestsPath);
        p.tokens.forEach(Offsets.Token::done);
      }
    }
  }

  /** Closes and deletes every unfinished transfer (the host is closing; positions are not committed). */
  void closeAll() {
    for (Partial p : partials.values()) {
      close(p);
      delete(p.path);
      delete(p.digestsPath);
    }
    partials.clear();
  }

  int inProgress() {
    return partials.size();
  }

  private static void close(Partial p) {
    try {
      p.channel.close();
    } catch (IOException e) {
      // the file is deleted or moved next; nothing to keep
    }
    try {
      p.digests.close(); // flushed: read back only when the whole digest does not match
    } catch (IOException e) {
      // then the bad chunk goes unnamed; the payload still fails on its whole digest
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", path, e.toString());
    }
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] a = new byte[d.remaining()];
    d.get(a);
    return a;
  }
}
