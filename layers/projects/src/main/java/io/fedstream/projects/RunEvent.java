package io.fedstream.projects;

import java.time.Instant;
import java.util.Optional;

/**
 * A change of a project or of one of its runs, as broadcast by the router to every member.
 *
 * @param id unique event id
 * @param type {@code PROJECT_CREATED}, {@code JOINED}, {@code LEFT}, {@code REMOVED},
 *     {@code RUN_CREATED} or {@code RUN_STATE}
 * @param projectId the project
 * @param runId the run, for run events
 * @param site the site that joined, left or was removed
 * @param state the run's new state, for run events
 * @param previous the run's previous state, for {@code RUN_STATE}
 * @param task the run's current task index
 * @param cause the command that caused it, or {@code TIMEOUT}
 * @param by the site whose command caused it, or {@code fedstream-router}
 * @param reason why (failures and stops)
 * @param at when the router applied it
 */
public record RunEvent(String id, String type, String projectId, Optional<String> runId,
    Optional<String> site, Optional<RunStatus> state, Optional<RunStatus> previous, int task,
    String cause, String by, Optional<String> reason, Instant at) {
}
