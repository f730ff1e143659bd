package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/** The router's acknowledgement of a subscription makes it live and keeps it; a rejection fails it. */
class AcknowledgedTest {

  private final TopicPartition tp = new TopicPartition("ns.mailbox", 0);
  private final Offsets offsets = new Offsets();
  private final SeenIds seen = new SeenIds(100, null);
  private long offset;

  private Delivery delivery(Message m) {
    return new Delivery(m, offsets.open(tp, offset++, true), "n|" + m.id(), seen);
  }

  private static Message answer(String id, boolean error) {
    WireBuilder b = WireBuilder.of(Message.builder()).tag("fedstream.subscribe").kind(Message.Kind.REPLY)
        .source("fedstream-router").inReplyTo(id);
    return (error ? b.error(ErrorCode.INVALID_CONDITION, "bad") : b).build();
  }

  private static FluxSink<Delivery> sink(List<Delivery> into, AtomicReference<Throwable> error) {
    AtomicReference<FluxSink<Delivery>> s = new AtomicReference<>();
    Flux.<Delivery>create(s::set, FluxSink.OverflowStrategy.BUFFER).subscribe(into::add, error::set);
    return s.get();
  }

  @Test
  void theAcknowledgementRunsOnLiveOnceAndTheSubscriptionStays() {
    assertTrue(Acknowledged.isAcknowledgement(answer("s1", false)));
    assertFalse(Acknowledged.isAcknowledgement(answer("s1", true)), "a rejection is no acknowledgement");
    assertTrue(Routed.isRouted(answer("s1", false)), "never reaches receive()");
    Routed r = new Routed("n");
    List<Delivery> got = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    AtomicInteger live = new AtomicInteger();
    r.addSubscription("s1", sink(got, error), false, live::incrementAndGet);
    r.offer(delivery(answer("s1", false)));
    r.offer(delivery(answer("s1", false)));
    assertEquals(1, live.get(), "runs once, also when the router acknowledges a rewrite again");
    r.offer(delivery(WireBuilder.of(Message.builder()).tag("ch").kind(Message.Kind.EVENT).source("emitter")
        .attribute("fedstream.subscriptions", "s1").build()));
    assertEquals(1, got.size(), "the acknowledged subscription still takes its events");
    assertEquals(null, error.get());
    got.get(0).processed();
    assertEquals(3L, offsets.committable().get(tp).offset(), "the acknowledgements count as processed");
  }

  @Test
  void aRejectionFailsTheFluxAndNeverMakesItLive() {
    Routed r = new Routed("n");
    AtomicReference<Throwable> error = new AtomicReference<>();
    AtomicInteger live = new AtomicInteger();
    r.addSubscription("s1", sink(new CopyOnWriteArrayList<>(), error), false, live::incrementAndGet);
    r.offer(delivery(answer("s1", true)));
    assertEquals(0, live.get());
    assertTrue(error.get() instanceof io.fedstream.node.NodeException.InvalidConditionException, String.valueOf(error.get()));
  }
}
