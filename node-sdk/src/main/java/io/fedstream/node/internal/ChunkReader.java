package io.fedstream.node.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads a large payload's stream chunk by chunk, one chunk ahead on a thread of its own, and feeds
 * what it reads to the whole payload's SHA-256 there, so that reading (a file, or whatever produces
 * the stream) and the whole digest overlap with hashing, encoding and sending the chunk before.
 * Two chunk buffers; the stream and the digest are used by one thread at a time, in order. The
 * caller closes the stream after this reader.
 */
final class ChunkReader implements AutoCloseable {

  private final InputStream in;
  private final MessageDigest whole;
  private final long size;
  private final int chunkSize;
  private final byte[][] buffers;
  private final ExecutorService reader;
  private Future<Integer> ahead;
  private byte[] aheadBuffer;
  private long requested;
  private int next;

  /**
   * @param in the payload's stream
   * @param whole the whole payload's digest, updated with every chunk read
   * @param size the bytes to read in all (the payload's announced size)
   * @param chunkSize bytes per chunk (the last may be shorter)
   * @param threadName the reading thread's name
   */
  ChunkReader(InputStream in, MessageDigest whole, long size, int chunkSize, String threadName) {
    this.in = in;
    this.whole = whole;
    this.size = size;
    this.chunkSize = chunkSize;
    this.buffers = new byte[size > chunkSize ? 2 : 1][chunkSize];
    this.reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    readAhead();
  }

  private void readAhead() {
    if (requested >= size) {
      ahead = null;
      return;
    }
    int want = (int) Math.min(chunkSize, size - requested);
    byte[] buffer = buffers[next++ % buffers.length];
    requested += want;
    aheadBuffer = buffer;
    ahead = reader.submit(() -> {
      int n = in.readNBytes(buffer, 0, want);
      whole.update(buffer, 0, n);
      return n;
    });
  }

  /**
   * The next chunk: as many bytes as the stream gave, up to the chunk size (fewer only at its
   * end), valid until the call after the next one. The chunk after it is being read meanwhile.
   * Once the last chunk is returned, the whole digest has seen every byte.
   *
   * @throws IOException when the stream fails, or there is no chunk left
   */
  ByteBuffer next() throws IOException {
    if (ahead == null) {
      throw new IOException("no bytes left: all " + size + " were read");
    }
    int len;
    try {
      len = ahead.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the payload", e);
    } catch (ExecutionException e) {
      ahead = null;
      throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
    }
    byte[] buffer = aheadBuffer;
    readAhead();
    return ByteBuffer.wrap(buffer, 0, len);
  }

  /** Waits for a read still under way (so the stream can be closed next) and ends the thread. */
  @Override
  public void close() {
    try {
      if (ahead != null) {
        ahead.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // the send has failed already or does not need this chunk
    } finally {
      reader.shutdownNow();
    }
  }
}
