package io.fedstream.roles;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * A task call in flight ({@link Role#callTask}): RoleML's future. The call has been sent when this
 * exists; it ends with the handler's result, its error ({@link CallerError}, {@link HandlerError}),
 * or a {@code DeadlineExceededException} when the callee has shown no progress for the role
 * node's task silence (the callee reports progress every progress interval while the task runs).
 */
public final class TaskCall {

  private final String id;
  private final Mono<Object> outcome;

  TaskCall(String id, Mono<Object> outcome) {
    this.id = id;
    this.outcome = outcome;
  }

  /** The call's message id. */
  public String id() {
    return id;
  }

  /**
   * Blocks until the task has finished.
   *
   * @return the result (null when the handler returned nothing)
   * @throws CallerError, HandlerError or a {@code NodeException} as the call failed
   */
  public Object result() {
    return outcome.block();
  }

  /**
   * Blocks at most {@code max} for the result.
   *
   * @throws IllegalStateException if the task is still running after {@code max}
   */
  public Object result(Duration max) {
    return outcome.block(max);
  }

  /** The outcome as a Mono (empty when the handler returned nothing). */
  public Mono<Object> mono() {
    return outcome;
  }
}
