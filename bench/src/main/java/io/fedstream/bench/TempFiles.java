package io.fedstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes the temporary folders a workload made (data directories, transfers). */
final class TempFiles {
  private TempFiles() {}

  /** Deletes {@code dir} and everything under it; what cannot be deleted stays. */
  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a leftover temporary file
        }
      });
    } catch (IOException e) {
      // already gone
    }
  }
}
