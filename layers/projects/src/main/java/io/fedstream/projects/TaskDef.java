package io.fedstream.projects;

import java.util.Objects;

/**
 * One task of a project's ordered list.
 *
 * @param name unique within the project
 * @param type what kind of task, for the sites' controllers (for example {@code train})
 * @param parametersJson the parameters as a JSON object ({@code "{}"} when none); a run may
 *     override keys of it. The router refuses anything but a JSON object ({@code CALLER},
 *     rule {@code MALFORMED_PARAMETERS}).
 */
public record TaskDef(String name, String type, String parametersJson) {

  /** Checks that the name and type are given; null parameters become {@code "{}"}. */
  public TaskDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    parametersJson = parametersJson == null ? "{}" : parametersJson;
  }
}
