/**
 * The Confluent wire format and a small Confluent schema registry REST client, for the generated
 * Avro types of {@code io.fedstream.avro}. Used by the SDK's serde layer and by the router.
 */
package io.fedstream.schemas.wire;
