package io.fedstream.security;

import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentEncrypter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * A payload being sealed as a stream ({@link Sealer#sealStream}): its signed header, its exact
 * sealed size, and the ciphertext made while it is read. The ciphertext is Tink's AES-GCM-HKDF
 * streaming format (1 MiB segments, each carrying its index and a last-segment flag), made one
 * segment at a time with Tink's segment encrypter: the plaintext is read straight into the
 * segment buffer and encrypted into the ciphertext buffer that the reader drains, so each byte is
 * copied once on its way in and once on its way out. At most one segment of plaintext and one of
 * ciphertext (2 MiB) are held, so a payload of any size seals within the node's usual heap.
 */
public final class SealedStream {

  private final byte[] header;
  private final StreamingAead aead;
  private final AesGcmHkdfStreaming segments;
  private final byte[] associatedData;
  private final long plaintextSize;

  SealedStream(byte[] header, StreamingAead aead, AesGcmHkdfStreaming segments, byte[] associatedData,
      long plaintextSize) {
    this.header = header;
    this.aead = aead;
    this.segments = segments;
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
    return header.length + segments.expectedCiphertextSize(plaintextSize);
  }

  /**
   * The sealed bytes, made while they are read from a plaintext stream of {@link #plaintextSize()}
   * bytes. Reading fails with an {@link IOException} if the plaintext is shorter than announced.
   *
   * @param plaintext the plaintext; closed with the returned stream
   * @return the header followed by the ciphertext
   */
  public InputStream encrypt(InputStream plaintext) {
    return new Pull(plaintext);
  }

  OutputStream encrypting(OutputStream target) throws IOException {
    try {
      return aead.newEncryptingStream(target, associatedData);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot seal: " + e.getMessage(), e);
    }
  }

  /**
   * The sealed stream, pulled: the header, then Tink's stream header, then each segment encrypted
   * when the reader has drained the one before. The segments are cut as Tink's own encrypting
   * stream cuts them (the first shorter by the stream header, the last one flagged, an empty
   * plaintext as one empty last segment), so Tink's decrypting stream opens the result.
   */
  private final class Pull extends InputStream {
    private final InputStream plaintext;
    private final StreamSegmentEncrypter encrypter;
    private final ByteBuffer plain;
    private final ByteBuffer out;
    private long left = plaintextSize;
    private boolean started;
    private boolean last;

    Pull(InputStream plaintext) {
      this.plaintext = plaintext;
      try {
        this.encrypter = segments.newStreamSegmentEncrypter(associatedData);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot seal: " + e.getMessage(), e);
      }
      this.plain = ByteBuffer.allocate(segments.getPlaintextSegmentSize());
      this.out = ByteBuffer.allocate(Math.max(segments.getCiphertextSegmentSize(),
          header.length + segments.getHeaderLength()));
      out.put(header).put(encrypter.getHeader());
      out.flip();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!out.hasRemaining()) {
        if (last) {
          return -1;
        }
        nextSegment();
      }
      int n = Math.min(len, out.remaining());
      out.get(b, off, n);
      return n;
    }

    private void nextSegment() throws IOException {
      int room = !started ? segments.getPlaintextSegmentSize() - segments.getCiphertextOffset()
          : segments.getPlaintextSegmentSize();
      int want = (int) Math.min(room, left);
      plain.clear();
      int got = plaintext.readNBytes(plain.array(), 0, want);
      if (got != want) {
        throw new IOException("the payload ended after " + (plaintextSize - left + got) + " of its announced "
            + plaintextSize + " bytes");
      }
      plain.limit(want);
      started = true;
      left -= want;
      last = left == 0;
      out.clear();
      try {
        encrypter.encryptSegment(plain, last, out);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot seal a segment: " + e.getMessage(), e);
      }
      out.flip();
    }

    @Override
    public void close() throws IOException {
      plaintext.close();
    }
  }
}
