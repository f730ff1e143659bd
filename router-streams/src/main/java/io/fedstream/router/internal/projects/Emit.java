package io.fedstream.router.internal.projects;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One record the routing server writes: its topic and its value bytes (null: a tombstone). The
 * sink picks the topic per record, so one processor writes sites, projects, runs, replies,
 * project broadcasts and site reports.
 */
record Emit(String topic, byte[] value) {

  /** Serialises an emit as its value bytes (the topic is the sink's business). */
  static Serde<Emit> serde() {
    Serializer<Emit> ser = (topic, e) -> e == null ? null : e.value();
    Deserializer<Emit> de = (topic, bytes) -> new Emit(topic, bytes);
    return Serdes.serdeFrom(ser, de);
  }
}
