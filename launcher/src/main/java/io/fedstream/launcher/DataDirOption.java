package io.fedstream.launcher;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data directory option alone, for commands that only find a running platform. */
final class DataDirOption {

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".fedstream",
      description = "Data directory of the embedded platform (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  PlatformDir dir() {
    return new PlatformDir(dataDir);
  }
}
