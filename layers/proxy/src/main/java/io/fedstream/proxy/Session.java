package io.fedstream.proxy;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a proxy knows about one session: its type and the stages it passed, oldest first. A
 * snapshot; {@link Proxy#session(String)} gives the latest.
 *
 * @param id the session id
 * @param type TASK or NOTIFICATION
 * @param stages the stages passed, in order, each with the time this proxy learned it (for
 *     {@link SessionStage#WORKING} seen by the sender: the time the receiver started)
 */
public record Session(String id, SessionType type, List<Stage> stages) {

  /**
   * One stage reached.
   *
   * @param stage the stage
   * @param at when
   * @param by the node whose action it was (the sender or the receiver)
   */
  public record Stage(SessionStage stage, Instant at, String by) {
    /** Checks the fields. */
    public Stage {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(at, "at");
    }
  }

  /** Checks and copies the fields. */
  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    stages = List.copyOf(stages);
  }

  /** The latest stage, or {@code null} if none was recorded. */
  public SessionStage stage() {
    return stages.isEmpty() ? null : stages.get(stages.size() - 1).stage();
  }

  /** The stages' names in order, e.g. {@code REQUEST > WORKING > RESULT}. */
  public String path() {
    return String.join(" > ", stages.stream().map(s -> s.stage().name()).toList());
  }
}
