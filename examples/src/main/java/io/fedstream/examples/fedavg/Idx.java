package io.fedstream.examples.fedavg;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The IDX file format of MNIST and Fashion-MNIST: a magic number (two zero bytes, a type byte,
 * the number of dimensions), one big-endian int per dimension, then the values. Only unsigned
 * bytes (type {@code 0x08}) are read, which is what image and label files hold. Gzipped files are
 * recognised by their first two bytes, so {@code train-images-idx3-ubyte} and
 * {@code train-images-idx3-ubyte.gz} read the same.
 */
public final class Idx {

  /** The type byte of unsigned bytes. */
  static final int UBYTE = 0x08;

  private Idx() {
  }

  /**
   * An IDX array of unsigned bytes.
   *
   * @param dims the size of each dimension, outermost first
   * @param data the values, row-major
   */
  public record Array(int[] dims, byte[] data) {
    /** The size of the first dimension (the number of examples). */
    public int count() {
      return dims[0];
    }

    /** The number of values per example (the product of the other dimensions). */
    public int width() {
      int w = 1;
      for (int i = 1; i < dims.length; i++) {
        w *= dims[i];
      }
      return w;
    }
  }

  /**
   * Reads an IDX array of unsigned bytes, plain or gzipped.
   *
   * @param in the stream; read to the array's end, not closed
   * @param limit read at most this many examples (the first dimension), or all with
   *     {@link Integer#MAX_VALUE}
   * @return the array, its first dimension cut to {@code limit}
   * @throws IOException if the stream cannot be read, is not IDX, holds another type than
   *     unsigned bytes, or ends early
   */
  public static Array read(InputStream in, int limit) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream raw = (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)
        : buffered;
    DataInputStream data = new DataInputStream(raw);
    int magic = data.readInt();
    if ((magic >>> 16) != 0) {
      throw new IOException("not an IDX file (magic " + Integer.toHexString(magic) + ")");
    }
    int type = (magic >>> 8) & 0xff;
    if (type != UBYTE) {
      throw new IOException("IDX type 0x" + Integer.toHexString(type) + " is not supported; only unsigned bytes (0x08)");
    }
    int rank = magic & 0xff;
    if (rank < 1 || rank > 4) {
      throw new IOException("IDX rank " + rank + " is not supported (1 to 4)");
    }
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = data.readInt();
      if (dims[i] < 0) {
        throw new IOException("IDX dimension " + i + " is negative: " + dims[i]);
      }
    }
    dims[0] = Math.min(dims[0], limit);
    long size = dims[0];
    for (int i = 1; i < rank; i++) {
      size *= dims[i];
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException("IDX array too large: " + size + " values");
    }
    byte[] values = new byte[(int) size];
    data.readFully(values);
    return new Array(dims, values);
  }

  /**
   * Writes an IDX array of unsigned bytes, gzipped.
   *
   * @param array the array
   * @param out the stream; finished, not closed
   * @throws IOException if the stream cannot be written
   */
  public static void writeGzip(Array array, OutputStream out) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
    DataOutputStream data = new DataOutputStream(gz);
    data.writeInt((UBYTE << 8) | array.dims().length);
    for (int d : array.dims()) {
      data.writeInt(d);
    }
    data.write(array.data());
    data.flush();
    gz.finish();
  }
}
