package io.fedstream.projects;

import java.time.Instant;
import java.util.List;

/**
 * A project as the router records it.
 *
 * @param id the project id
 * @param name display name
 * @param description free text
 * @param coordinator the coordinating site
 * @param participants the participating sites, in joining order
 * @param tasks the ordered tasks
 * @param runCount runs created so far
 * @param createdAt when it was created
 */
public record ProjectInfo(String id, String name, String description, String coordinator,
    List<String> participants, List<TaskDef> tasks, int runCount, Instant createdAt) {
}
