package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Gathered;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * Gathers the replies of one round under a {@link GatherPolicy}. A pure state machine over a
 * stream of reply messages (error replies are messages with an error; a reply's source names the
 * peer), a deadline timer on a given scheduler, and a resend function for retries; no I/O of its
 * own, so it is tested with virtual time.
 */
public final class Gatherer {

  private Gatherer() {
  }

  /**
   * Gathers.
   *
   * @param expected the peers expected to answer (a broadcast may hear from others too)
   * @param policy release and failure policy
   * @param deadline when to release with what is there
   * @param replies reply messages (and error messages) as they arrive
   * @param resend asks one peer again; emits its reply or error message
   * @param timer scheduler of the deadline
   * @return the gathered round
   */
  public static Mono<Gathered> gather(Set<String> expected, GatherPolicy policy, Duration deadline,
      Flux<Message> replies, Function<String, Mono<Message>> resend, Scheduler timer) {
    return Mono.create(sink -> {
      Round round = new Round(expected, policy, sink, resend);
      Disposable.Composite subs = round.subs;
      sink.onDispose(subs);
      subs.add(Mono.delay(deadline, timer).subscribe(x -> round.release(false)));
      subs.add(replies.subscribe(round::onReply, round::onError, round::onRepliesDone));
      round.check();
    });
  }

  private static final class Round {
    final Set<String> expected;
    final GatherPolicy policy;
    final MonoSink<Gathered> sink;
    final Function<String, Mono<Message>> resend;
    final Disposable.Composite subs = Disposables.composite();
    final List<Message> results = new ArrayList<>();
    final Map<String, NodeException> failures = new LinkedHashMap<>();
    final Set<String> settled = new LinkedHashSet<>();
    final Map<String, Integer> retries = new HashMap<>();
    int retrying;
    int counted;
    boolean repliesDone;
    boolean done;

    Round(Set<String> expected, GatherPolicy policy, MonoSink<Gathered> sink, Function<String, Mono<Message>> resend) {
      this.expected = new LinkedHashSet<>(expected);
      this.policy = policy;
      this.sink = sink;
      this.resend = resend;
    }

    synchronized void onReply(Message m) {
      if (done) {
        return;
      }
      String peer = m.source();
      if (settled.contains(peer)) {
        return;
      }
      expected.add(peer);
      Message.Error err = m.error().orElse(null);
      if (err == null) {
        settled.add(peer);
        results.add(m);
        counted++;
      } else if (err.code() == ErrorCode.TIMEOUT) {
        settled.add(peer); // no answer will come any more
      } else {
        NodeException ex = err.toException();
        switch (policy.onFailure()) {
          case FAIL_FAST:
            done = true;
            sink.error(ex);
            return;
          case RETRY:
            int n = retries.getOrDefault(peer, 0);
            if (n < policy.maxRetries()) {
              retries.put(peer, n + 1);
              retrying++;
              subs.add(resend.apply(peer).subscribe(r -> {
                synchronized (this) {
                  retrying--;
                }
                onReply(r);
              }, this::onError));
              return;
            }
            settled.add(peer);
            failures.put(peer, ex);
            break;
          case KEEP:
            settled.add(peer);
            results.add(m);
            counted++;
            break;
          default:
            settled.add(peer);
            failures.put(peer, ex);
        }
      }
      check();
    }

    synchronized void onError(Throwable t) {
      if (!done) {
        done = true;
        sink.error(t);
      }
    }

    synchronized void onRepliesDone() {
      repliesDone = true;
      check();
    }

    synchronized void check() {
      if (done) {
        return;
      }
      int required = policy.required(expected.size());
      if (counted >= required) {
        release(true);
      } else if (retrying == 0 && settled.containsAll(expected) && (repliesDone || !expected.isEmpty())) {
        release(false);
      }
    }

    synchronized void release(boolean complete) {
      if (done) {
        return;
      }
      done = true;
      Set<String> missing = new LinkedHashSet<>(expected);
      missing.removeAll(settled);
      sink.success(new Gathered(results, failures, missing, complete));
    }
  }
}
