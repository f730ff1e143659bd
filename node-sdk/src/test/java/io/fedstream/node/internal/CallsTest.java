package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class CallsTest {

  private static Message replyTo(String id) {
    return WireBuilder.of(Message.builder()).tag("r").source("peer").kind(Message.Kind.REPLY).inReplyTo(id).build();
  }

  @Test
  void replyBeforeDeadlineCompletesTheCall() {
    Calls calls = new Calls();
    StepVerifier.withVirtualTime(() -> calls.call("req-1", "test", Duration.ofSeconds(5), Mono.empty(),
            Schedulers.parallel()))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(4))
        .then(() -> assertTrue(calls.deliver(replyTo("req-1"))))
        .assertNext(m -> assertEquals("req-1", m.inReplyTo().get()))
        .verifyComplete();
    assertEquals(0, calls.size());
  }

  @Test
  void deadlineFailsTheCallAndTheLateReplyIsRefused() {
    Calls calls = new Calls();
    StepVerifier.withVirtualTime(() -> calls.call("req-2", "test", Duration.ofSeconds(5), Mono.empty(),
            Schedulers.parallel()))
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(5))
        .expectErrorSatisfies(e -> assertInstanceOf(NodeException.DeadlineExceededException.class, e))
        .verify();
    assertFalse(calls.deliver(replyTo("req-2")), "a late reply must not reach a caller that gave up");
    assertEquals(0, calls.size());
  }

  @Test
  void collectTakesManyRepliesUntilDeadline() {
    Calls calls = new Calls();
    StepVerifier.withVirtualTime(() -> calls.collect("b-1", Duration.ofSeconds(5), Mono.empty(), Schedulers.parallel()))
        .expectSubscription()
        .then(() -> calls.deliver(replyTo("b-1")))
        .then(() -> calls.deliver(replyTo("b-1")))
        .expectNextCount(2)
        .thenAwait(Duration.ofSeconds(5))
        .verifyComplete();
    assertFalse(calls.deliver(replyTo("b-1")));
  }

  @Test
  void sendFailureFailsTheCall() {
    Calls calls = new Calls();
    StepVerifier.create(calls.call("req-3", "test", Duration.ofSeconds(5),
            Mono.error(new NodeException.NotFoundException("gone")), Schedulers.parallel()))
        .expectError(NodeException.NotFoundException.class)
        .verify(Duration.ofSeconds(5));
  }
}
