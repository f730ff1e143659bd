package io.fedstream.testkit;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * A real FedStream platform for tests: one in-JVM single-node KRaft broker and one schema registry
 * (Apicurio, a child process), shared by every test class in the JVM. Inject it with
 * {@link FedStreamExtension}.
 *
 * <p>Tests share the broker, so each test takes its own namespace from {@link #newNamespace()}
 * and uses only topic and group names under it.
 */
public interface Platform {

  /** The broker's bootstrap servers, on 127.0.0.1 and an OS-picked port. */
  String bootstrapServers();

  /** The registry's Confluent-compatible API base URL. */
  String registryUrl();

  /** A namespace (federation) no other test in this JVM uses: {@code t<n>-<random>}. */
  String newNamespace();

  /** An admin client of the broker, shared; do not close it. */
  Admin admin();

  /** The client properties to reach the broker (just {@code bootstrap.servers}); a new mutable map. */
  Map<String, Object> clientProperties();
}
