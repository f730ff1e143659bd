package io.fedstream.router.internal;

import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@link Codec} of the public topics: the Confluent wire format through the registry.
 * Decoding is {@link AvroWire#decode}. Encoding writes the same bytes as {@link AvroWire#encode}
 * (magic 0, the id {@link AvroWire#schemaId} registered for the topic, Avro binary), but looks
 * the id up once per (type, topic): {@code AvroWire.encode} asks the registry client on every
 * record, which renders the schema to JSON each time and dominated the router's cost.
 */
public final class WireCodec implements Codec {

  private final SchemaRegistryClient registry;
  private final Map<Class<?>, AvroWire<?>> wires = new ConcurrentHashMap<>();
  private final Map<String, byte[]> headers = new ConcurrentHashMap<>();
  private final Map<Class<?>, SpecificDatumWriter<SpecificRecord>> writers = new ConcurrentHashMap<>();
  private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

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
  public byte[] encode(String topic, SpecificRecord value) {
    Class<? extends SpecificRecord> type = value.getClass();
    byte[] header = headers.computeIfAbsent(type.getName() + '\u0000' + topic, k -> {
      int id = wire(type).schemaId(topic);
      return ByteBuffer.allocate(5).put(AvroWire.MAGIC).putInt(id).array();
    });
    SpecificDatumWriter<SpecificRecord> writer =
        writers.computeIfAbsent(type, t -> new SpecificDatumWriter<>(value.getSchema()));
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    out.write(header, 0, header.length);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
    encoders.set(encoder);
    try {
      writer.write(value, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot encode " + type.getSimpleName() + ": " + e, e);
    }
    return out.toByteArray();
  }

  @Override
  public <T extends SpecificRecord> T decode(String topic, byte[] bytes, Class<T> type) {
    return wire(type).decode(topic, bytes);
  }
}
