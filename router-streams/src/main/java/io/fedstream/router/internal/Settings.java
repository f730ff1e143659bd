package io.fedstream.router.internal;

import io.fedstream.schemas.RoutedRecords;
import io.fedstream.schemas.Topics;

/**
 * What the processors need from the router config, resolved once.
 *
 * @param namespace the namespace served
 * @param instanceId written into dead-letter headers
 * @param codec the public topics' wire codec
 * @param presenceCheckIntervalMs wall-clock punctuation interval
 * @param goneAfterTimeouts SUSPECT after one timeout, GONE after this many
 * @param triggerMaxEmbeddedBytes embedding budget of one trigger
 * @param channelPartitions partitions of the internal topics keyed by channel
 */
public record Settings(String namespace, String instanceId, Codec codec, long presenceCheckIntervalMs,
    int goneAfterTimeouts, int triggerMaxEmbeddedBytes, int channelPartitions) {

  String mailbox() {
    return Topics.mailbox(namespace);
  }

  String presenceEvents() {
    return Topics.events(namespace, RoutedRecords.PRESENCE_ROLE);
  }

  String liveness() {
    return Topics.liveness(namespace);
  }

  /** Prefix of every event topic of the namespace, {@code <ns>.events.}. */
  String eventsPrefix() {
    return namespace + "." + Topics.EVENTS + ".";
  }
}
