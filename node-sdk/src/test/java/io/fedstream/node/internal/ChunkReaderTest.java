package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class ChunkReaderTest {

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(11).nextBytes(b);
    return b;
  }

  /** A stream that notes which threads read it. */
  private static final class Watched extends ByteArrayInputStream {
    final Set<String> readers = ConcurrentHashMap.newKeySet();

    Watched(byte[] b) {
      super(b);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      readers.add(Thread.currentThread().getName());
      return super.read(b, off, len);
    }
  }

  @Test
  void readsAndHashesEveryChunkInOrderOnItsOwnThread() throws Exception {
    byte[] all = data(10_500);
    Watched in = new Watched(all);
    java.security.MessageDigest whole = Reassembler.sha256();
    try (ChunkReader r = new ChunkReader(in, whole, all.length, 1000, "test-chunk-read")) {
      for (int i = 0; i < 11; i++) {
        ByteBuffer c = r.next();
        int len = Math.min(1000, all.length - i * 1000);
        assertEquals(len, c.remaining(), "chunk " + i);
        assertArrayEquals(Arrays.copyOfRange(all, i * 1000, i * 1000 + len),
            Arrays.copyOfRange(c.array(), c.position(), c.limit()), "chunk " + i);
      }
      assertThrows(IOException.class, r::next, "no chunk after the announced size");
      assertArrayEquals(Reassembler.sha256().digest(all), whole.digest(), "the whole digest saw every byte");
    }
    assertEquals(Set.of("test-chunk-read"), in.readers, "the caller's thread never reads the stream");
  }

  @Test
  void aChunkStaysIntactWhileTheNextIsRead() throws Exception {
    byte[] all = data(3000);
    try (ChunkReader r = new ChunkReader(new ByteArrayInputStream(all), Reassembler.sha256(), all.length, 1000,
        "test-chunk-read")) {
      ByteBuffer first = r.next();
      byte[] copy = Arrays.copyOf(first.array(), 1000);
      ByteBuffer second = r.next(); // the third is being read meanwhile, into the other buffer
      assertArrayEquals(Arrays.copyOfRange(all, 0, 1000), copy);
      assertArrayEquals(Arrays.copyOfRange(all, 1000, 2000), Arrays.copyOf(second.array(), 1000));
      assertArrayEquals(Arrays.copyOfRange(all, 2000, 3000), Arrays.copyOf(r.next().array(), 1000));
    }
  }

  @Test
  void aShortStreamYieldsAShortChunkAndAFailingStreamFailsNext() throws Exception {
    byte[] all = data(1500);
    try (ChunkReader r = new ChunkReader(new ByteArrayInputStream(all), Reassembler.sha256(), 2500, 1000,
        "test-chunk-read")) {
      assertEquals(1000, r.next().remaining());
      assertEquals(500, r.next().remaining(), "the caller sees that the stream ended early");
    }
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("disk gone");
      }
    };
    try (ChunkReader r = new ChunkReader(broken, Reassembler.sha256(), 2000, 1000, "test-chunk-read")) {
      IOException e = assertThrows(IOException.class, r::next);
      assertTrue(e.getMessage().contains("disk gone"), e.getMessage());
    }
  }
}
