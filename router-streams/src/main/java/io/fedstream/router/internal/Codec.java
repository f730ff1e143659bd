package io.fedstream.router.internal;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes the records of the public topics (Confluent wire format, registry schema
 * ids). The router's topology uses only this interface, so the registry client stays in one
 * place.
 */
public interface Codec {

  /**
   * Encodes a record for a topic (registering its schema under {@code <topic>-value} if needed).
   *
   * @throws RuntimeException when the registry cannot be reached
   */
  byte[] encode(String topic, SpecificRecord value);

  /**
   * Decodes a record read from a topic.
   *
   * @throws RuntimeException when the bytes are not a decodable record of that type
   */
  <T extends SpecificRecord> T decode(String topic, byte[] bytes, Class<T> type);

  /**
   * The schema a record read from a topic was written with, once checked that it can be read as
   * {@code type}; the body itself is not decoded, except for the first record of each schema id
   * (which is decoded in full, so an unknown or incompatible id fails as {@link #decode} does).
   *
   * @throws RuntimeException when the bytes have no wire-format header, name an unknown schema or
   *     one that {@code type} cannot read, or (first record of an id) do not decode
   */
  <T extends SpecificRecord> Schema writerSchema(String topic, byte[] bytes, Class<T> type);

  /**
   * The 5-byte wire-format header {@link #encode} puts before a {@code type} value on
   * {@code topic} (registering the schema if needed).
   *
   * @throws RuntimeException when the registry cannot be reached
   */
  byte[] header(String topic, Class<? extends SpecificRecord> type);
}
