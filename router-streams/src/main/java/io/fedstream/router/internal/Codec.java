package io.fedstream.router.internal;

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
}
