package io.fedstream.security;

import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.security.GeneralSecurityException;

/**
 * A payload being sealed as a stream ({@link Sealer#sealStream}): its signed header, its exact
 * sealed size, and the ciphertext made while it is read. At most one segment (1 MiB) of
 * ciphertext is held in memory, so a payload of any size seals within the node's usual heap.
 */
public final class SealedStream {

  /** Tink's AES-GCM-HKDF streaming with 1 MiB segments, used only for its size arithmetic. */
  private static final AesGcmHkdfStreaming GEOMETRY;

  static {
    try {
      GEOMETRY = new AesGcmHkdfStreaming(new byte[32], "HmacSha256", 32, 1 << 20, 0);
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final byte[] header;
  private final StreamingAead aead;
  private final byte[] associatedData;
  private final long plaintextSize;

  SealedStream(byte[] header, StreamingAead aead, byte[] associatedData, long plaintextSize) {
    this.header = header;
    this.aead = aead;
    this.associatedData = associatedData;
    this.plaintextSize = plaintextSize;
  }

  /** The signed header (framing, wraps, signature). */
  public byte[] header() {
    return header.clone();
  }

  /** The plaintext's size. */
  public long plaintextSize() {
    return plaintextSize;
  }

  /** The exact size of the sealed bytes: header plus ciphertext. */
  public long size() {
    return header.length + GEOMETRY.expectedCiphertextSize(plaintextSize);
  }

  /**
   * The sealed bytes, made while they are read from a plaintext stream of {@link #plaintextSize()}
   * bytes.
   *
   * @param plaintext the plaintext; closed with the returned stream
   * @return the header followed by the ciphertext
   */
  public InputStream encrypt(InputStream plaintext) {
    return new SequenceInputStream(new ByteArrayInputStream(header), new Pull(plaintext));
  }

  OutputStream encrypting(OutputStream target) throws IOException {
    try {
      return aead.newEncryptingStream(target, associatedData);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot seal: " + e.getMessage(), e);
    }
  }

  /** Turns Tink's push-style encrypting stream into a stream the sender pulls from. */
  private final class Pull extends InputStream {
    private final InputStream plaintext;
    private final Buffer out = new Buffer();
    private final byte[] block = new byte[64 * 1024];
    private OutputStream encrypting;
    private boolean done;

    Pull(InputStream plaintext) {
      this.plaintext = plaintext;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (encrypting == null) {
        encrypting = encrypting(out);
      }
      while (out.available() == 0 && !done) {
        int n = plaintext.read(block);
        if (n < 0) {
          encrypting.close();
          done = true;
        } else {
          encrypting.write(block, 0, n);
        }
      }
      if (out.available() == 0) {
        return -1;
      }
      return out.take(b, off, len);
    }

    @Override
    public void close() throws IOException {
      plaintext.close();
    }
  }

  /** A byte buffer written by the encrypting stream and drained by the reader. */
  private static final class Buffer extends ByteArrayOutputStream {
    private int read;

    int available() {
      return count - read;
    }

    int take(byte[] b, int off, int len) {
      int n = Math.min(len, count - read);
      System.arraycopy(buf, read, b, off, n);
      read += n;
      if (read == count) {
        reset();
        read = 0;
      }
      return n;
    }
  }
}
