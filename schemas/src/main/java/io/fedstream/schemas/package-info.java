/**
 * The public contract non-Java systems rely on: topic names ({@link io.fedstream.schemas.Topics}),
 * their settings ({@link io.fedstream.schemas.TopicSettings}) and record header names
 * ({@link io.fedstream.schemas.RecordHeaders}). The Avro classes generated from
 * {@code src/main/avro} live in {@code io.fedstream.avro}; the SDK keeps them behind its serde
 * layer.
 */
package io.fedstream.schemas;
