package io.fedstream.launcher;

import java.util.Locale;
import java.util.UUID;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every demo takes: where the platform is (an existing cluster, or the embedded one of
 * {@code --data-dir}) and which namespace the demo runs in.
 */
public final class DemoOptions {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Use this Kafka cluster instead of the embedded platform (needs --registry).")
  String bootstrap;

  @Option(names = "--registry", paramLabel = "URL",
      description = "Confluent-compatible schema registry URL to use with --bootstrap, e.g. http://host:8080/apis/ccompat/v7.")
  String registry;

  @Option(names = "--namespace", paramLabel = "NAME",
      description = "Namespace (federation) to run in; default: a new one per run, demo-<random>.")
  String namespace;

  @Mixin
  PlatformOptions platform;

  /**
   * The namespace to run in: {@code --namespace}, or a new {@code demo-<random>} per run.
   *
   * @return the namespace
   */
  public String namespace() {
    return namespace != null ? namespace
        : "demo-" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
  }
}
