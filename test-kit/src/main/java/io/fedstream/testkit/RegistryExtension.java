package io.fedstream.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real schema {@link Registry} without a broker, started once per JVM (the same one
 * {@link FedStreamExtension} uses) and stopped when the JVM ends.
 */
public final class RegistryExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(RegistryExtension.class);

  /** Creates the extension; JUnit does this. */
  public RegistryExtension() {
  }

  /**
   * The same shared registry, for test engines that take no JUnit Jupiter extension (jqwik
   * properties); it is stopped when the JVM ends.
   *
   * @return the registry, started on first use
   */
  public static Registry shared() {
    return SharedPlatform.registry();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Registry.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // Kept in the root store so that JUnit closes it when the whole test plan is done, while the JVM
    // still runs normally (the shutdown hook is only the fallback).
    return context.getRoot().getStore(STORE).getOrComputeIfAbsent(
        SharedPlatform.SharedRegistry.class, k -> SharedPlatform.registry(), SharedPlatform.SharedRegistry.class);
  }
}
