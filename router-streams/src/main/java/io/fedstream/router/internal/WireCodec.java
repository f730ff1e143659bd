package io.fedstream.router.internal;

import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.Framing;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** The {@link Codec} of the public topics: {@link AvroWire}, the Confluent wire format. */
public final class WireCodec implements Codec {

  private final SchemaRegistryClient registry;
  private final Map<Class<?>, AvroWire<?>> wires = new ConcurrentHashMap<>();
  // Writer schemas by (type, id), once checked readable as that type.
  private final Map<Class<?>, Map<Integer, Schema>> writers = new ConcurrentHashMap<>();

  /**
   * Creates the codec.
   *
   * @param registryUrl the registry's Confluent-compatible base URL
   */
  public WireCodec(String registryUrl) {
    this.registry = SchemaRegistryClient.create(registryUrl);
  }

  @SuppressWarnings("unchecked")
  private <T extends SpecificRecord> AvroWire<T> wire(Class<T> type) {
    return (AvroWire<T>) wires.computeIfAbsent(type, t -> AvroWire.of(type, registry));
  }

  @Override
  @SuppressWarnings("unchecked")
  public byte[] encode(String topic, SpecificRecord value) {
    return wire((Class<SpecificRecord>) value.getClass()).encode(topic, value);
  }

  @Override
  public <T extends SpecificRecord> T decode(String topic, byte[] bytes, Class<T> type) {
    return wire(type).decode(topic, bytes);
  }

  @Override
  public <T extends SpecificRecord> Schema writerSchema(String topic, byte[] bytes, Class<T> type) {
    if (!Framing.isFramed(bytes)) {
      // decode() tells garbage and a wrong magic byte apart, with the message the rest uses
      wire(type).decode(topic, bytes);
      throw new IllegalArgumentException("no wire-format header");
    }
    int id = Framing.schemaId(bytes);
    Map<Integer, Schema> known = writers.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    Schema s = known.get(id);
    if (s == null) {
      wire(type).decode(topic, bytes); // checks the id exists and is readable as type
      s = registry.schema(id);
      known.put(id, s);
    }
    return s;
  }

  @Override
  public byte[] header(String topic, Class<? extends SpecificRecord> type) {
    return wire(type).wireHeader(topic);
  }
}
