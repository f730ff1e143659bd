package io.fedstream.examples.fedavg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An image classification data set: training and test examples as unsigned bytes (one row of
 * {@link #features()} values per example) with their labels. Pixels stay bytes in memory (60,000
 * Fashion-MNIST images take 47 MB) and become floats in {@code [0, 1]} one batch at a time.
 *
 * <p>Where it comes from, in order: {@code --data DIR} (any directory of MNIST-style IDX files),
 * Debian's {@code dataset-fashion-mnist} package ({@value #DEBIAN_DIR}), or the subset carried in
 * this module's resources (6,000 training and 1,000 test images; see its {@code README.md}).
 *
 * @param name what the data is and where it was read from, for the output
 * @param features values per example (784 for 28x28 images)
 * @param classes number of classes (the largest label + 1, at least 2)
 * @param trainX training pixels, {@code trainCount * features}
 * @param trainY training labels
 * @param testX test pixels
 * @param testY test labels
 */
public record Dataset(String name, int features, int classes, byte[] trainX, byte[] trainY, byte[] testX, byte[] testY) {

  /** Where Debian's {@code dataset-fashion-mnist} package puts the IDX files. */
  public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

  /** The resource folder of the carried subset. */
  static final String BUNDLED = "/io/fedstream/examples/fedavg/data/";

  private static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
      "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

  /** Checks the arrays agree. */
  public Dataset {
    if (trainX.length != trainY.length * features || testX.length != testY.length * features) {
      throw new IllegalArgumentException("images and labels disagree: " + trainX.length + " train pixels for "
          + trainY.length + " labels, " + testX.length + " test pixels for " + testY.length + " labels");
    }
  }

  /** Number of training examples. */
  public int trainCount() {
    return trainY.length;
  }

  /** Number of test examples. */
  public int testCount() {
    return testY.length;
  }

  /**
   * The default data: Debian's full Fashion-MNIST when installed, else the carried subset.
   *
   * @return the data set
   * @throws UncheckedIOException if the files cannot be read
   */
  public static Dataset standard() {
    Path debian = Path.of(DEBIAN_DIR);
    if (find(debian, FILES.get(0)) != null) {
      return fromDirectory(debian, "Fashion-MNIST (full, " + DEBIAN_DIR + ")");
    }
    return bundled();
  }

  /**
   * The subset of Fashion-MNIST carried in this module: the first 6,000 training images and the
   * first 1,000 test images, unchanged.
   *
   * @return the data set
   * @throws UncheckedIOException if the resources are missing or damaged
   */
  public static Dataset bundled() {
    try {
      Idx.Array[] a = new Idx.Array[4];
      for (int i = 0; i < 4; i++) {
        try (InputStream in = Dataset.class.getResourceAsStream(BUNDLED + FILES.get(i) + ".gz")) {
          if (in == null) {
            throw new IOException("resource " + BUNDLED + FILES.get(i) + ".gz is missing");
          }
          a[i] = Idx.read(in, Integer.MAX_VALUE);
        }
      }
      return of("Fashion-MNIST subset carried in the repository (examples/src/main/resources" + BUNDLED + ")", a);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the carried Fashion-MNIST subset: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the four MNIST-style IDX files of a directory, each plain or gzipped:
   * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}
   * and {@code t10k-labels-idx1-ubyte} (with or without {@code .gz}; Kaggle-style names with a dot
   * instead of the last hyphen also work).
   *
   * @param dir the directory
   * @param name the name shown in the output, or null for the directory's path
   * @return the data set
   * @throws UncheckedIOException naming the file that is missing or cannot be read
   */
  public static Dataset fromDirectory(Path dir, String name) {
    Idx.Array[] a = new Idx.Array[4];
    for (int i = 0; i < 4; i++) {
      Path file = find(dir, FILES.get(i));
      if (file == null) {
        throw new UncheckedIOException(new IOException("no " + FILES.get(i) + "[.gz] in " + dir.toAbsolutePath()
            + "; --data needs the four MNIST-style IDX files: " + String.join(", ", FILES)));
      }
      try (InputStream in = Files.newInputStream(file)) {
        a[i] = Idx.read(in, Integer.MAX_VALUE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return of(name != null ? name : dir.toAbsolutePath().toString(), a);
  }

  private static Path find(Path dir, String base) {
    String dotted = base.substring(0, base.lastIndexOf('-')) + "." + base.substring(base.lastIndexOf('-') + 1);
    for (String candidate : List.of(base, base + ".gz", dotted, dotted + ".gz")) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static Dataset of(String name, Idx.Array[] a) {
    if (a[0].width() != a[2].width()) {
      throw new IllegalArgumentException("training images have " + a[0].width() + " values, test images " + a[2].width());
    }
    int max = 1;
    for (byte label : a[1].data()) {
      max = Math.max(max, label & 0xff);
    }
    for (byte label : a[3].data()) {
      max = Math.max(max, label & 0xff);
    }
    return new Dataset(name, a[0].width(), max + 1, a[0].data(), a[1].data(), a[2].data(), a[3].data());
  }
}
