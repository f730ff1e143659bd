package io.fedstream.router.internal;

/**
 * What a router processor emits: where it goes and its value bytes (null for a tombstone). The
 * topology splits a stream of these onto sinks, so one processor can write to several topics
 * while the DSL still creates and names the internal topics.
 */
record Out(Route route, byte[] value) {

  enum Route {
    /** Internal: re-keyed by channel for the channel router. */
    CHANNEL,
    /** Internal: an event on its channel's partition already, to the channel router in the same task. */
    CHANNEL_IN_PLACE,
    /** Internal: re-keyed by registering node for the register table. */
    NODE,
    /** {@code <ns>.mailbox}, keyed by destination node id. */
    MAILBOX,
    /** {@code <ns>.subscriptions}: tombstones of ONCE subscriptions that fired. */
    SUBSCRIPTIONS,
    /** {@code <ns>.liveness}. */
    LIVENESS,
    /** {@code <ns>.events.presence}: join and leave events. */
    PRESENCE_EVENTS,
    /** {@code <ns>.dlq}: the original bytes with the reason in headers. */
    DLQ
  }
}
