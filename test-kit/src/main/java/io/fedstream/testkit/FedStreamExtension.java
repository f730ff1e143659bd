package io.fedstream.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real {@link Platform}: an in-JVM single-node KRaft broker
 * ({@code KafkaClusterTestKit}) and a real schema registry, started once per JVM on the first test
 * that asks and stopped when the JVM ends.
 *
 * <pre>{@code
 * @ExtendWith(FedStreamExtension.class)
 * class MailboxIT {
 *   @Test
 *   void delivers(Platform platform) {
 *     String ns = platform.newNamespace();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Parameters of type {@link Platform} or {@link Registry} are resolved in test methods,
 * lifecycle methods and constructors. Starting fails the test with the cause when the broker or
 * registry cannot start.
 */
public final class FedStreamExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(FedStreamExtension.class);

  /** Creates the extension; JUnit does this. */
  public FedStreamExtension() {
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Platform.class || type == Registry.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // Kept in the root store so that JUnit closes it when the whole test plan is done, while the JVM
    // still runs normally (the shutdown hook is only the fallback).
    return context.getRoot().getStore(STORE).getOrComputeIfAbsent(
        SharedPlatform.class, k -> SharedPlatform.get(), SharedPlatform.class);
  }
}
