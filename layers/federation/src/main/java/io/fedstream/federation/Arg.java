package io.fedstream.federation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a parameter of a node's {@code train} method, for classes compiled without {@code
 * -parameters}: {@code void train(@Arg("outMsg") Supplier<String> outMsg)}. The keys of {@link
 * ClientServerFederation#train} must match these names. With {@code -parameters} the annotation is
 * optional; when both are present the annotation wins.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Arg {
  /** The parameter's name, as the argument maps use it. */
  String value();
}
