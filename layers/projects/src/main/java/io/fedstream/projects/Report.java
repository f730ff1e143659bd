package io.fedstream.projects;

import java.time.Instant;
import java.util.Optional;

/**
 * A site's status report (its state in a run, or its progress) or log line, as accepted by the
 * router. A coordinator sees every participant's; a participant only its own.
 *
 * @param siteId the reporting site
 * @param projectId the project
 * @param runId the run
 * @param kind {@code STATE}, {@code PROGRESS} or {@code LOG}
 * @param state the site's state in the run
 * @param task the run's task index at the time
 * @param progress 0.0 to 1.0 ({@code PROGRESS})
 * @param level log level ({@code LOG})
 * @param message the status line, log line or reason
 * @param at when the router accepted it
 */
public record Report(String siteId, String projectId, String runId, String kind, Optional<RunStatus> state,
    int task, double progress, String level, String message, Instant at) {
}
