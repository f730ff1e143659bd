package io.fedstream.projects;

import io.fedstream.node.Payload;

/**
 * A model update received within a run: a participant's local update (to the coordinator) or the
 * coordinator's global update (to each participant).
 *
 * @param runId the run
 * @param task the task index it belongs to
 * @param from the sending site
 * @param global true for the coordinator's aggregated model
 * @param payload the model bytes (chunked on the way when large)
 */
public record ModelUpdate(String runId, int task, String from, boolean global, Payload payload) {
}
