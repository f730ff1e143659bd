package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.GatherPolicy;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class GathererTest {

  private static final Set<String> PEERS = Set.of("a", "b", "c", "d", "e");
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static Message ok(String from) {
    return WireBuilder.of(Message.builder()).tag("r").source(from).kind(Message.Kind.REPLY).build();
  }

  private static Message err(String from, ErrorCode code) {
    return WireBuilder.of(Message.builder()).tag("r").source(from).kind(Message.Kind.REPLY).error(code, "no").build();
  }

  private static Flux<Message> at(int seconds, Message m) {
    return Mono.delay(Duration.ofSeconds(seconds)).thenReturn(m).flux();
  }

  @Test
  void deadlineReleasesPartialResults() {
    StepVerifier.withVirtualTime(() -> Gatherer.gather(PEERS, GatherPolicy.all(), DEADLINE,
            Flux.merge(at(1, ok("a")), at(2, ok("b")), at(30, ok("c"))), p -> Mono.never(), Schedulers.parallel()))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(9))
        .expectNoEvent(Duration.ofMillis(500))
        .thenAwait(Duration.ofSeconds(1))
        .assertNext(g -> {
          assertFalse(g.complete());
          assertEquals(2, g.replies().size());
          assertEquals(Set.of("c", "d", "e"), g.missing());
        })
        .verifyComplete();
  }

  @Test
  void atLeastReleasesEarly() {
    StepVerifier.withVirtualTime(() -> Gatherer.gather(PEERS, GatherPolicy.atLeast(2), DEADLINE,
            Flux.merge(at(1, ok("a")), at(3, ok("b")), at(5, ok("c"))), p -> Mono.never(), Schedulers.parallel()))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(3))
        .assertNext(g -> {
          assertTrue(g.complete());
          assertEquals(2, g.replies().size());
        })
        .verifyComplete();
  }

  @Test
  void fractionOfExpectedPeers() {
    // 60% of 5 = 3
    StepVerifier.withVirtualTime(() -> Gatherer.gather(PEERS, GatherPolicy.fraction(0.6), DEADLINE,
            Flux.merge(at(1, ok("a")), at(2, ok("b")), at(4, ok("c")), at(5, ok("d"))), p -> Mono.never(),
            Schedulers.parallel()))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(4))
        .assertNext(g -> assertEquals(3, g.replies().size()))
        .verifyComplete();
  }

  @Test
  void failFastFailsOnFirstError() {
    StepVerifier.withVirtualTime(() -> Gatherer.gather(PEERS, GatherPolicy.builder().failFast().build(), DEADLINE,
            Flux.merge(at(1, ok("a")), at(2, err("b", ErrorCode.HANDLER))), p -> Mono.never(), Schedulers.parallel()))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(2))
        .expectErrorSatisfies(e -> assertInstanceOf(NodeException.HandlerException.class, e))
        .verify();
  }

  @Test
  void ignoreRecordsFailuresAndReleasesWhenAllAnswered() {
    Set<String> peers = Set.of("a", "b");
    StepVerifier.withVirtualTime(() -> Gatherer.gather(peers, GatherPolicy.all(), DEADLINE,
            Flux.merge(at(1, ok("a")), at(2, err("b", ErrorCode.CALLER))), p -> Mono.never(), Schedulers.parallel()))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(2))
        .assertNext(g -> {
          assertFalse(g.complete());
          assertEquals(1, g.replies().size());
          assertInstanceOf(NodeException.CallerException.class, g.failures().get("b"));
          assertTrue(g.missing().isEmpty());
        })
        .verifyComplete();
  }

  @Test
  void keepCountsErrorsAsResults() {
    Set<String> peers = Set.of("a", "b");
    StepVerifier.withVirtualTime(() -> Gatherer.gather(peers, GatherPolicy.builder().keepFailures().build(), DEADLINE,
            Flux.merge(at(1, ok("a")), at(2, err("b", ErrorCode.HANDLER))), p -> Mono.never(), Schedulers.parallel()))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(2))
        .assertNext(g -> {
          assertTrue(g.complete());
          assertEquals(2, g.replies().size());
          assertTrue(g.replies().get(1).error().isPresent());
        })
        .verifyComplete();
  }

  @Test
  void retryAsksAgainBoundedTimes() {
    AtomicInteger asked = new AtomicInteger();
    Set<String> peers = Set.of("a", "b");
    // b fails twice then succeeds; retry(2) is enough
    StepVerifier.withVirtualTime(() -> Gatherer.gather(peers, GatherPolicy.builder().retry(2).build(), DEADLINE,
            Flux.merge(at(1, ok("a")), at(1, err("b", ErrorCode.HANDLER))),
            p -> Mono.delay(Duration.ofSeconds(1)).map(x -> asked.incrementAndGet() < 2
                ? err(p, ErrorCode.HANDLER) : ok(p)), Schedulers.parallel()))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(3))
        .assertNext(g -> {
          assertTrue(g.complete());
          assertEquals(2, g.replies().size());
          assertEquals(2, asked.get());
        })
        .verifyComplete();
  }

  @Test
  void retryGivesUpAfterMaxAndRecordsFailure() {
    AtomicInteger asked = new AtomicInteger();
    StepVerifier.withVirtualTime(() -> Gatherer.gather(Set.of("b"), GatherPolicy.builder().retry(3).build(), DEADLINE,
            at(1, err("b", ErrorCode.HANDLER)),
            p -> Mono.fromCallable(() -> {
              asked.incrementAndGet();
              return err(p, ErrorCode.HANDLER);
            }), Schedulers.parallel()))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(1))
        .assertNext(g -> {
          assertFalse(g.complete());
          assertEquals(3, asked.get());
          assertEquals(Set.of("b"), g.failures().keySet());
        })
        .verifyComplete();
  }

  @Test
  void timeoutErrorsCountAsMissingNotFailures() {
    StepVerifier.withVirtualTime(() -> Gatherer.gather(Set.of("a", "b"), GatherPolicy.all(), DEADLINE,
            Flux.merge(at(1, ok("a")), at(2, err("b", ErrorCode.TIMEOUT))), p -> Mono.never(), Schedulers.parallel()))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(2))
        .assertNext(g -> {
          assertFalse(g.complete());
          assertTrue(g.failures().isEmpty());
        })
        .verifyComplete();
  }
}
