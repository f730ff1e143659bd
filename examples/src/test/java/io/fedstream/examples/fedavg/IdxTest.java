package io.fedstream.examples.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

  private static byte[] plain(Idx.Array a) throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    Idx.writeGzip(a, gz);
    return new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray())).readAllBytes();
  }

  @Test
  void readsPlainAndGzippedAlike() throws IOException {
    Idx.Array a = new Idx.Array(new int[] {3, 2, 2}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (byte) 255});
    byte[] raw = plain(a);
    // The header by hand: 0x00000803, then 3, 2, 2.
    assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2}, java.util.Arrays.copyOf(raw, 16));
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    Idx.writeGzip(a, gz);
    for (byte[] form : new byte[][] {raw, gz.toByteArray()}) {
      Idx.Array back = Idx.read(new ByteArrayInputStream(form), Integer.MAX_VALUE);
      assertArrayEquals(a.dims(), back.dims());
      assertArrayEquals(a.data(), back.data());
      assertEquals(4, back.width());
    }
    Idx.Array two = Idx.read(new ByteArrayInputStream(raw), 2);
    assertEquals(2, two.count());
    assertEquals(8, two.data().length);
  }

  @Test
  void refusesOtherTypesAndShortFiles() {
    byte[] floats = ByteBuffer.allocate(12).putInt(0x00000D01).putInt(1).putInt(0).array();
    assertThrows(IOException.class, () -> Idx.read(new ByteArrayInputStream(floats), Integer.MAX_VALUE));
    byte[] shortFile = ByteBuffer.allocate(9).putInt(0x00000801).putInt(5).put((byte) 1).array();
    assertThrows(IOException.class, () -> Idx.read(new ByteArrayInputStream(shortFile), Integer.MAX_VALUE));
  }

  @Test
  void theCarriedSubsetIsRealFashionMnist() {
    Dataset d = Dataset.bundled();
    assertEquals(6000, d.trainCount());
    assertEquals(1000, d.testCount());
    assertEquals(784, d.features());
    assertEquals(10, d.classes());
    // Label 9 (ankle boot) is the first training image's label in Fashion-MNIST.
    assertEquals(9, d.trainY()[0]);
  }

  @Test
  void readsADirectoryOfPlainFilesAndNamesAMissingOne(@TempDir Path dir) throws IOException {
    Idx.Array images = new Idx.Array(new int[] {2, 2, 2}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
    Idx.Array labels = new Idx.Array(new int[] {2}, new byte[] {0, 3});
    Files.write(dir.resolve("train-images-idx3-ubyte"), plain(images));
    Files.write(dir.resolve("train-labels-idx1-ubyte"), plain(labels));
    Files.write(dir.resolve("t10k-images-idx3-ubyte"), plain(images));
    var missing = assertThrows(java.io.UncheckedIOException.class, () -> Dataset.fromDirectory(dir, null));
    assertTrue(missing.getMessage().contains("t10k-labels-idx1-ubyte"), missing.getMessage());
    Files.write(dir.resolve("t10k-labels-idx1-ubyte"), plain(labels));
    Dataset d = Dataset.fromDirectory(dir, null);
    assertEquals(2, d.trainCount());
    assertEquals(4, d.features());
    assertEquals(4, d.classes());
  }
}
