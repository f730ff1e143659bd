package io.fedstream.node;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outcome of a gathered round ({@code scatter} or {@code broadcast} with replies).
 *
 * @param replies the replies, in arrival order; with {@link GatherPolicy.OnFailure#KEEP} error
 *     replies are among them ({@link Message#error()} is present)
 * @param failures peers whose last answer was an error, by node id (empty under KEEP)
 * @param missing expected peers that had not answered when the round was released
 * @param complete true when the release policy was met; false when the deadline released the
 *     round, or every peer answered without enough successes
 */
public record Gathered(List<Message> replies, Map<String, NodeException> failures, Set<String> missing,
    boolean complete) {

  /** Copies the collections. */
  public Gathered {
    replies = List.copyOf(replies);
    failures = Map.copyOf(failures);
    missing = Set.copyOf(missing);
  }
}
