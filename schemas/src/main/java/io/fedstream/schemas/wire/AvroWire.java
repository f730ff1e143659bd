package io.fedstream.schemas.wire;

import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Encodes and decodes one generated Avro record type on the Confluent wire format ({@link Framing}:
 * the magic byte {@code 0}, the big-endian schema id, then the Avro binary body). Schemas are
 * registered under the topic name strategy, {@code <topic>-value}.
 *
 * <p>Decoding resolves the writer's schema (fetched by id, then cached) against this type's schema,
 * so records written with an older or newer compatible schema decode. Instances are thread-safe.
 *
 * @param <T> the generated record type
 */
public final class AvroWire<T extends SpecificRecord> {

  private static final int HEADER = Framing.HEADER_SIZE;

  private final Class<T> type;
  private final Schema schema;
  private final SchemaRegistryClient registry;
  private final SpecificDatumWriter<T> writer;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
  // The 5-byte header per topic: one registry look-up per topic, then none on the encode path.
  private final Map<String, byte[]> headers = new ConcurrentHashMap<>();
  private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  private AvroWire(Class<T> type, SchemaRegistryClient registry) {
    this.type = type;
    this.schema = SpecificData.get().getSchema(type);
    this.registry = registry;
    this.writer = new SpecificDatumWriter<>(schema);
  }

  /**
   * Creates the wire format of one generated type.
   *
   * @param type a class generated from an {@code .avsc}, such as {@code Envelope.class}
   * @param registry the registry client to register and look up schemas with
   * @param <T> the type
   * @return the wire format
   */
  public static <T extends SpecificRecord> AvroWire<T> of(Class<T> type, SchemaRegistryClient registry) {
    return new AvroWire<>(Objects.requireNonNull(type, "type"), Objects.requireNonNull(registry, "registry"));
  }

  /** This type's Avro schema. */
  public Schema schema() {
    return schema;
  }

  /** The registry client. */
  public SchemaRegistryClient registry() {
    return registry;
  }

  /**
   * Registers this type's schema under {@code <topic>-value} (once; then cached) and returns its id.
   *
   * @throws SchemaRegistryException when the registry is unreachable or refuses the schema
   */
  public int schemaId(String topic) {
    return registry.register(topic + "-value", schema);
  }

  /**
   * Encodes a value for a topic.
   *
   * @param topic the topic the record goes to (names the subject)
   * @param value the value; null encodes as null (a tombstone)
   * @return the wire-format bytes, or null for a null value
   * @throws SchemaRegistryException when the schema cannot be registered
   */
  public byte[] encode(String topic, T value) {
    return encode(topic, value, 256);
  }

  /**
   * Encodes a value for a topic into a buffer presized for about {@code sizeHint} bytes, so that
   * large values (payload chunks) need no regrowth of the buffer.
   *
   * @param topic the topic the record goes to (names the subject)
   * @param value the value; null encodes as null (a tombstone)
   * @param sizeHint the expected encoded size in bytes; any value works, it only presizes
   * @return the wire-format bytes, or null for a null value
   * @throws SchemaRegistryException when the schema cannot be registered
   */
  public byte[] encode(String topic, T value, int sizeHint) {
    if (value == null) {
      return null;
    }
    Output out = new Output(Math.max(64, sizeHint));
    out.writeBytes(header(topic));
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
    encoders.set(encoder);
    try {
      writer.write(value, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    } catch (StackOverflowError e) {
      throw new IllegalArgumentException("Cannot encode " + type.getSimpleName() + ": it nests too deep"
          + " (values nest at most " + Limits.MAX_VALUE_DEPTH + " levels)", e);
    }
    return out.bytes();
  }

  /** The encode buffer; an exact size hint hands the buffer out as it is, without a copy. */
  private static final class Output extends ByteArrayOutputStream {
    Output(int size) {
      super(size);
    }

    byte[] bytes() {
      return count == buf.length ? buf : toByteArray();
    }
  }

  /**
   * The 5-byte wire header (magic byte, schema id) of this type's values on {@code topic},
   * registering the schema on first use; a copy the caller may keep.
   *
   * @param topic the topic (subject {@code <topic>-value})
   * @return magic byte 0 and the 4-byte big-endian schema id
   * @throws SchemaRegistryException when the registry cannot be reached or refuses the schema
   */
  public byte[] wireHeader(String topic) {
    return header(topic).clone();
  }

  private byte[] header(String topic) {
    byte[] h = headers.get(topic);
    if (h == null) {
      int id = schemaId(topic);
      h = Framing.header(id);
      headers.put(topic, h);
    }
    return h;
  }

  /**
   * Decodes a value read from a topic.
   *
   * @param topic the topic it was read from (for messages only)
   * @param bytes the record value; null decodes as null (a tombstone)
   * @return the value, or null for null bytes
   * @throws WireFormatException code {@code DECODE}, with {@link WireFormatException#problem()}
   *     telling garbage, a wrong magic byte, an unknown schema id, an incompatible schema or
   *     values nested deeper than {@code Limits.MAX_VALUE_DEPTH} apart
   * @throws SchemaRegistryException {@code UNAVAILABLE} when the registry cannot be reached (the
   *     record may be fine: retry rather than dead-letter)
   */
  public T decode(String topic, byte[] bytes) {
    return decode(topic, bytes, null);
  }

  /**
   * Decodes a value read from a topic into {@code reuse}, whose objects (records, lists, and
   * {@code bytes} buffers with room enough) are overwritten rather than allocated again; for a
   * caller that is done with the previous value before it decodes the next (payload chunks).
   *
   * @param topic the topic it was read from (for messages only)
   * @param bytes the record value; null decodes as null (a tombstone)
   * @param reuse a value returned by an earlier decode, or null to allocate a new one
   * @return the value (usually {@code reuse} itself), or null for null bytes
   * @throws WireFormatException as {@link #decode(String, byte[])}
   * @throws SchemaRegistryException as {@link #decode(String, byte[])}
   */
  public T decode(String topic, byte[] bytes, T reuse) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length < HEADER) {
      throw new WireFormatException(WireFormatException.Problem.GARBAGE, "Record on '" + topic + "' has "
          + bytes.length + " bytes, fewer than the 5-byte wire-format header.", null);
    }
    if (bytes[0] != Framing.MAGIC) {
      throw new WireFormatException(WireFormatException.Problem.BAD_MAGIC, "Record on '" + topic
          + "' starts with byte " + bytes[0] + ", not the wire format's magic byte 0.", null);
    }
    int id = Framing.schemaId(bytes);
    SpecificDatumReader<T> reader = readers.get(id);
    if (reader == null) {
      reader = readerFor(topic, id);
    }
    try {
      AvroBounds.check(reader.getSchema(), bytes, HEADER, bytes.length);
    } catch (IllegalArgumentException e) {
      boolean deep = e.getMessage().contains("nest");
      throw new WireFormatException(deep ? WireFormatException.Problem.TOO_DEEP : WireFormatException.Problem.GARBAGE,
          "Record on '" + topic + "' with schema id " + id + " does not decode as " + type.getSimpleName() + ": "
          + e.getMessage(), null);
    }
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER,
        decoders.get());
    decoders.set(decoder);
    try {
      T value = reader.read(reuse, decoder);
      if (!decoder.isEnd()) {
        throw new IOException((bytes.length - HEADER) + "-byte body has bytes left after the record");
      }
      checkDepth(topic, value);
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof WireFormatException w) {
        throw w;
      }
      throw new WireFormatException(WireFormatException.Problem.GARBAGE, "Record on '" + topic
          + "' with schema id " + id + " does not decode as " + type.getSimpleName() + ": "
          + Limits.quote(e.toString()), e);
    } catch (StackOverflowError e) {
      // Avro's reader recurses once per level: a record nested thousands deep overflows the stack
      // before any check on the decoded value can run. The stack unwinds here, intact.
      throw new WireFormatException(WireFormatException.Problem.TOO_DEEP, "Record on '" + topic
          + "' with schema id " + id + " nests too deep to decode as " + type.getSimpleName()
          + " (values nest at most " + Limits.MAX_VALUE_DEPTH + " levels)", null);
    }
  }

  /** A decoded envelope's args and a subscription's conditions nest at most {@link Limits#MAX_VALUE_DEPTH}. */
  private static void checkDepth(String topic, Object value) {
    java.util.Map<String, io.fedstream.avro.Value> values = value instanceof io.fedstream.avro.Envelope e
        ? e.getArgs() : value instanceof io.fedstream.avro.Subscription s ? s.getConditions() : null;
    if (values != null && Limits.argsDepth(values) > Limits.MAX_VALUE_DEPTH) {
      throw new WireFormatException(WireFormatException.Problem.TOO_DEEP, "Record on '" + topic + "' has "
          + (value instanceof io.fedstream.avro.Envelope ? "args" : "conditions") + " nested deeper than "
          + Limits.MAX_VALUE_DEPTH + " levels", null);
    }
  }

  private SpecificDatumReader<T> readerFor(String topic, int id) {
    Schema writerSchema;
    try {
      writerSchema = registry.schema(id);
    } catch (SchemaRegistryException e) {
      if (ErrorRegistry.NOT_FOUND.isCodeOf(e)) {
        throw new WireFormatException(WireFormatException.Problem.UNKNOWN_SCHEMA, "Record on '" + topic
            + "' names schema id " + id + ", which the registry does not know.", e);
      }
      throw e;
    }
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(schema, writerSchema);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new WireFormatException(WireFormatException.Problem.INCOMPATIBLE_SCHEMA, "Record on '" + topic
          + "' was written with schema id " + id + " (" + writerSchema.getFullName() + "), which cannot be read as "
          + type.getSimpleName() + ": " + compatibility.getDescription(), null);
    }
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(writerSchema, schema);
    SpecificDatumReader<T> raced = readers.putIfAbsent(id, reader);
    return raced != null ? raced : reader;
  }

  /** A Kafka serializer over {@link #encode}. */
  public Serializer<T> serializer() {
    return (topic, value) -> encode(topic, value);
  }

  /** A Kafka deserializer over {@link #decode}; it throws {@link WireFormatException} on bad bytes. */
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> decode(topic, bytes);
  }

  /** A Kafka serde of this type, for Kafka Streams. */
  public Serde<T> serde() {
    return Serdes.serdeFrom(serializer(), deserializer());
  }
}
