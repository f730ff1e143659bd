package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetsTest {

  private final TopicPartition tp = new TopicPartition("t", 0);

  @Test
  void commitsOnlyBelowTheFirstUnprocessedRecord() {
    Offsets o = new Offsets();
    Offsets.Token t0 = o.open(tp, 0, true);
    Offsets.Token t1 = o.open(tp, 1, true);
    o.skip(tp, 2);
    assertEquals(2, o.inMemory(tp));
    assertEquals(0L, o.committable().get(tp).offset());
    t1.done();
    assertTrue(o.committable().isEmpty(), "record 0 is still being processed");
    t0.done();
    assertEquals(3L, o.committable().get(tp).offset());
    assertEquals(0, o.inMemory(tp));
  }

  @Test
  void fannedOutRecordIsDoneWhenEveryDeliveryIs() {
    Offsets o = new Offsets();
    Offsets.Token t = o.open(tp, 5, true).retain().retain();
    Offsets.Token chunk = o.open(tp, 4, false);
    t.adopt(java.util.List.of(chunk));
    t.done();
    t.done();
    assertEquals(4L, o.committable().get(tp).offset());
    t.done();
    assertEquals(6L, o.committable().get(tp).offset());
  }
}
