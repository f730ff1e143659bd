package io.fedstream.launcher;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that say where the embedded platform lives and which ports it takes. */
final class PlatformOptions {

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".fedstream",
      description = "Data directory of the embedded platform: Kafka's data, logs, pid files (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
      description = "Kafka client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--controller-port", paramLabel = "PORT", defaultValue = "9093",
      description = "KRaft controller port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081",
      description = "Schema registry port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(names = "--secure", description = "Start the platform secured (a new data directory only; one made secured"
      + " always starts secured): SASL_SSL with SCRAM-SHA-512, a CA and broker certificate in DATA-DIR/security,"
      + " KRaft's StandardAuthorizer with no access without an ACL. Sites join with 'fedstream site add ID'."
      + " See docs/security.md.")
  boolean secure;

  PlatformDir dir() {
    return new PlatformDir(dataDir);
  }

  EmbeddedPlatform.Options options() {
    for (int p : new int[] {kafkaPort, controllerPort, registryPort}) {
      if (p < 0 || p > 65535) {
        throw new LauncherException(LauncherException.USAGE, "ports must be between 0 and 65535 (0 picks a free one), was " + p + ".");
      }
    }
    return new EmbeddedPlatform.Options(dataDir, kafkaPort, controllerPort, registryPort, secure);
  }
}
