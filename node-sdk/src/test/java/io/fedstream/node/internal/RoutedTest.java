package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/** Which messages the router calls take from receive(), and how they reach their Flux. */
class RoutedTest {

  private final TopicPartition tp = new TopicPartition("ns.mailbox", 0);
  private final Offsets offsets = new Offsets();
  private final SeenIds seen = new SeenIds(100, null);
  private long offset;

  private Delivery delivery(Message m) {
    return new Delivery(m, offsets.open(tp, offset++, true), "n|" + m.id(), seen);
  }

  private static Message event(String subscriptions) {
    return WireBuilder.of(Message.builder()).tag("ch").kind(Message.Kind.EVENT).source("emitter")
        .attribute("fedstream.subscriptions", subscriptions).build();
  }

  /** A Flux whose sink is registered with the table; collects what reaches it. */
  private static FluxSink<Delivery> sink(List<Delivery> into, AtomicBoolean completed, AtomicReference<Throwable> error) {
    AtomicReference<FluxSink<Delivery>> s = new AtomicReference<>();
    Flux.<Delivery>create(s::set, FluxSink.OverflowStrategy.BUFFER)
        .subscribe(into::add, error::set, () -> completed.set(true));
    return s.get();
  }

  @Test
  void onlyRouterTrafficIsRouted() {
    assertTrue(Routed.isRouted(event("s1")));
    assertTrue(Routed.isRouted(WireBuilder.of(Message.builder()).tag("h").kind(Message.Kind.TRIGGER).source("fedstream-router")
        .attribute("fedstream.registration", "r1").build()));
    assertTrue(Routed.isRouted(WireBuilder.of(Message.builder()).tag("fedstream.subscribe").kind(Message.Kind.REPLY)
        .source("fedstream-router").inReplyTo("s1").error(ErrorCode.INVALID_CONDITION, "bad").build()));
    assertFalse(Routed.isRouted(WireBuilder.of(Message.builder()).tag("x").kind(Message.Kind.EVENT).build()), "no subscription ids");
    assertFalse(Routed.isRouted(WireBuilder.of(Message.builder()).tag("fedstream.subscribe").kind(Message.Kind.REPLY)
        .source("someone").inReplyTo("s1").build()), "only the router answers subscriptions");
    assertFalse(Routed.isRouted(WireBuilder.of(Message.builder()).tag("update").source("w1").build()));
  }

  @Test
  void oneEventForTwoSubscriptionsReachesBothAndIsProcessedWhenBothTookIt() {
    Routed r = new Routed("n");
    List<Delivery> a = new CopyOnWriteArrayList<>();
    List<Delivery> b = new CopyOnWriteArrayList<>();
    AtomicBoolean onceDone = new AtomicBoolean();
    r.addSubscription("s1", sink(a, new AtomicBoolean(), new AtomicReference<>()), false);
    r.addSubscription("s2", sink(b, onceDone, new AtomicReference<>()), true);
    r.offer(delivery(event("s1,s2")));
    assertEquals(1, a.size());
    assertEquals(1, b.size());
    assertTrue(onceDone.get(), "ONCE completes after its first event");
    a.get(0).processed();
    assertEquals(0L, java.util.Optional.ofNullable(offsets.committable().get(tp)).map(o -> o.offset()).orElse(0L),
        "s2 has not processed it yet");
    b.get(0).processed();
    assertEquals(1L, offsets.committable().get(tp).offset());

    r.offer(delivery(event("s1,s2")));
    assertEquals(2, a.size());
    assertEquals(1, b.size(), "the ONCE subscription is gone");
    a.get(1).processed();
    r.offer(delivery(event("gone")));
    assertEquals(3L, offsets.committable().get(tp).offset(), "an event with no Flux is dropped as processed");
  }

  @Test
  void rejectionFailsItsFluxWithTheCodedException() {
    Routed r = new Routed("n");
    AtomicReference<Throwable> error = new AtomicReference<>();
    r.addRegistration("r1", sink(new CopyOnWriteArrayList<>(), new AtomicBoolean(), error));
    r.offer(delivery(WireBuilder.of(Message.builder()).tag("fedstream.register").kind(Message.Kind.REPLY).source("fedstream-router")
        .inReplyTo("r1").error(ErrorCode.INVALID_CONDITION, "bad expression").build()));
    assertInstanceOf(NodeException.InvalidConditionException.class, error.get());
    assertEquals("bad expression", ((NodeException) error.get()).reason());
    assertEquals(1L, offsets.committable().get(tp).offset());
  }

  @Test
  void closingCompletesEveryFluxAndRefusesNewOnes() {
    Routed r = new Routed("n");
    AtomicBoolean done = new AtomicBoolean();
    r.addSubscription("s1", sink(new CopyOnWriteArrayList<>(), done, new AtomicReference<>()), false);
    r.closeAll();
    assertTrue(done.get());
    assertFalse(r.addRegistration("r2", sink(new CopyOnWriteArrayList<>(), new AtomicBoolean(), new AtomicReference<>())));
  }
}
