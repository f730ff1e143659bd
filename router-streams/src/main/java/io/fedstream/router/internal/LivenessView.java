package io.fedstream.router.internal;

import io.fedstream.avro.Liveness;
import io.fedstream.avro.LivenessState;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Fills the global store every router task reads for {@code %} amounts: node id to
 * {@code STATE\tgroup\tgroup...}, from the compacted {@code <ns>.liveness} topic.
 */
final class LivenessView implements Processor<String, byte[], Void, Void> {

  static final String STORE = "liveness-view";

  private final Codec codec;
  private final String topic;
  private KeyValueStore<String, String> store;

  LivenessView(Codec codec, String topic) {
    this.codec = codec;
    this.topic = topic;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, byte[]> r) {
    if (r.key() == null) {
      return;
    }
    if (r.value() == null) {
      store.delete(r.key());
      return;
    }
    try {
      Liveness l = codec.decode(topic, r.value(), Liveness.class);
      StringBuilder b = new StringBuilder(l.getState().name());
      for (String g : l.getGroups()) {
        b.append('\t').append(g);
      }
      store.put(r.key(), b.toString());
    } catch (RuntimeException e) {
      Step.LOG.warn("skipping undecodable liveness record for {}: {}", r.key(), e.toString());
    }
  }

  /**
   * Counts the ALIVE members of a source group: nodes whose id starts with {@code source} or
   * that list it among their groups; {@code *} is every alive node.
   */
  static int alive(ReadOnlyKeyValueStore<String, String> view, String source) {
    int n = 0;
    String prefix = LivenessState.ALIVE.name();
    try (KeyValueIterator<String, String> it = view.all()) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        if (!kv.value.startsWith(prefix + "\t") && !kv.value.equals(prefix)) {
          continue;
        }
        if ("*".equals(source) || kv.key.startsWith(source)) {
          n++;
          continue;
        }
        String[] parts = kv.value.split("\t");
        for (int i = 1; i < parts.length; i++) {
          if (parts[i].equals(source)) {
            n++;
            break;
          }
        }
      }
    }
    return n;
  }
}
