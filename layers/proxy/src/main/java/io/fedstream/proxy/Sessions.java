package io.fedstream.proxy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The stages of the sessions a proxy took part in, the most recent {@value #CAPACITY} sessions
 * kept, and the expected reply counts of the sessions it opened without waiting.
 */
final class Sessions {

  static final int CAPACITY = 10_000;

  private final Map<String, Session> sessions = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
      return size() > CAPACITY;
    }
  };
  private final Sinks.Many<Session> changes = Sinks.many().multicast().directBestEffort();

  /** Records a stage; the first stage of a session fixes its type. */
  void stage(String sessionId, SessionType type, SessionStage stage, Instant at, String by) {
    Session now;
    synchronized (this) {
      Session s = sessions.get(sessionId);
      List<Session.Stage> stages = new ArrayList<>(s == null ? List.of() : s.stages());
      if (stages.stream().anyMatch(x -> x.stage() == stage && stage != SessionStage.RESULT)) {
        return; // once per stage (a broadcast session has one RESULT per reply)
      }
      stages.add(new Session.Stage(stage, at, by));
      now = new Session(sessionId, s == null ? type : s.type(), stages);
      sessions.put(sessionId, now);
    }
    changes.tryEmitNext(now);
  }

  synchronized Optional<Session> get(String sessionId) {
    return Optional.ofNullable(sessions.get(sessionId));
  }

  Flux<Session> changes() {
    return changes.asFlux();
  }

  void close() {
    changes.tryEmitComplete();
  }
}
