package io.fedstream.testkit;

/**
 * A real schema registry for tests that need no broker (for example TopologyTestDriver tests with
 * the real serde). Inject it with {@link RegistryExtension}; it is the same registry the
 * {@link FedStreamExtension} platform uses in that JVM.
 */
public interface Registry {

  /** The registry's Confluent-compatible API base URL. */
  String url();
}
