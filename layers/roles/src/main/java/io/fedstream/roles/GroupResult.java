package io.fedstream.roles;

import java.util.Map;
import java.util.Set;

/**
 * The outcome of {@link Role#callGroup}: what each instance answered, under the gather policy.
 *
 * @param results result by instance, of the instances that answered without error
 * @param failures the error by instance ({@link CallerError}, {@link HandlerError}, or a node error)
 * @param missing instances that had not answered when the gather was released
 * @param complete whether the policy was met (false when its deadline released the gather)
 */
public record GroupResult(Map<RoleInstanceId, Object> results, Map<RoleInstanceId, RuntimeException> failures,
    Set<RoleInstanceId> missing, boolean complete) {

  /** Copies the collections (a null result is kept as {@link java.util.Optional#empty()} is not: use {@code containsKey}). */
  public GroupResult {
    results = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(results));
    failures = Map.copyOf(failures);
    missing = Set.copyOf(missing);
  }
}
