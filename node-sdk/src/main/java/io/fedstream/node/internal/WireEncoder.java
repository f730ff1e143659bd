package io.fedstream.node.internal;

import io.fedstream.schemas.wire.AvroWire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes one record type on the Confluent wire format, like {@link AvroWire#encode}, but looks
 * the schema id up once per topic: {@code AvroWire.encode} renders the whole schema to JSON on
 * every call to find its cached id, which costs more than encoding a small envelope.
 */
final class WireEncoder<T extends SpecificRecord> {

  private final AvroWire<T> wire;
  private final SpecificDatumWriter<T> writer;
  private final Map<String, byte[]> headers = new ConcurrentHashMap<>();
  private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

  WireEncoder(AvroWire<T> wire) {
    this.wire = wire;
    this.writer = new SpecificDatumWriter<>(wire.schema());
  }

  /** The 5-byte wire header of a topic (registers the schema under {@code <topic>-value} once). */
  private byte[] header(String topic) {
    byte[] h = headers.get(topic);
    if (h == null) {
      int id = wire.schemaId(topic);
      h = new byte[] {AvroWire.MAGIC, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
      headers.put(topic, h);
    }
    return h;
  }

  /** Encodes; {@code sizeHint} presizes the buffer (large chunks then need no regrowth). */
  byte[] encode(String topic, T value, int sizeHint) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, sizeHint));
    out.writeBytes(header(topic));
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
    encoders.set(enc);
    try {
      writer.write(value, enc);
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
