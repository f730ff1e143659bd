package io.fedstream.roles;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link Role} as a task channel: an asynchronous call ({@link Role#callTask}), the
 * caller holding a {@link TaskCall} while the handler runs. The default signature is
 * {@code (RoleInstanceId caller, Args args, Payloads payloads)}; the return value is the result
 * (JSON-like, or {@link Payloads}). A {@link CallerError} reaches the caller as CALLER, any other
 * exception as a {@link HandlerError}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Task {

  /** The channel name; default: the method's name. Normalised by {@link Names}. */
  String name() default "";

  /**
   * Bind the message's args to the method's parameters by name (compile with {@code -parameters}):
   * a {@link RoleInstanceId} parameter gets the caller, a {@link Payloads} parameter the payloads,
   * every other parameter the arg of its name. A missing required argument is a HANDLER error naming
   * it; an {@code Optional} parameter is not required. Default false.
   */
  boolean expand() default false;
}
