package io.fedstream.projects;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run as the router records it.
 *
 * @param id {@code <projectId>.<number>}
 * @param projectId its project
 * @param number 1 for the first run of the project
 * @param coordinator the coordinating site
 * @param state the run's state
 * @param currentTask index into {@code tasks}
 * @param tasks the tasks with this run's parameters
 * @param participants each participant's own state
 * @param reason why it failed or stopped
 * @param failedBy the site that reported the failure, or {@code fedstream-router} for a timeout
 * @param startedAt when it was created
 * @param updatedAt its last change
 */
public record RunInfo(String id, String projectId, int number, String coordinator, RunStatus state,
    int currentTask, List<TaskDef> tasks, Map<String, RunStatus> participants, Optional<String> reason,
    Optional<String> failedBy, Instant startedAt, Instant updatedAt) {
}
