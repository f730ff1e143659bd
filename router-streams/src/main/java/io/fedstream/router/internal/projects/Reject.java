package io.fedstream.router.internal.projects;

import io.fedstream.avro.ErrorCode;

/**
 * A command refused: the code (docs/errors.md), the rule it broke (docs/projects.md) and the
 * reason in words. Thrown before anything is written, so a refused command changes no record.
 */
final class Reject extends RuntimeException {

  private static final long serialVersionUID = 1L;

  final ErrorCode code;
  final String rule;

  Reject(ErrorCode code, String rule, String reason) {
    super(reason, null, false, false);
    this.code = code;
    this.rule = rule;
  }
}
