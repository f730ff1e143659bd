/**
 * Test fixtures: {@link io.fedstream.testkit.FedStreamExtension} (broker and registry) and
 * {@link io.fedstream.testkit.RegistryExtension} (registry only), shared per JVM.
 */
package io.fedstream.testkit;
