package io.fedstream.projects;

import io.fedstream.node.ErrorCode;

/**
 * The router refused a command, or the command could not be sent. {@link #code()} is the
 * {@link ErrorCode} (docs/errors.md) and {@link #rule()} the rule in {@code docs/projects.md}
 * (for example {@code NOT_COORDINATOR}, {@code ILLEGAL_TRANSITION}); the message says why.
 */
public final class ProjectException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String rule;

  /**
   * @param code the code
   * @param rule the rule broken ({@code ""} when none)
   * @param reason what went wrong
   */
  public ProjectException(ErrorCode code, String rule, String reason) {
    super(code + (rule == null || rule.isEmpty() ? "" : " " + rule) + ": " + reason);
    this.code = code;
    this.rule = rule == null ? "" : rule;
  }

  /** The error code. */
  public ErrorCode code() {
    return code;
  }

  /** The rule of {@code docs/projects.md} the command broke, or {@code ""}. */
  public String rule() {
    return rule;
  }
}
