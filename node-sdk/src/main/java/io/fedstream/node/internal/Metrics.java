package io.fedstream.node.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/** The host's meters; tagged by namespace and host, never by node (10,000 nodes would be 10,000 series). */
final class Metrics {
  final Counter sent;
  final Counter received;
  final Counter bytesSent;
  final Counter bytesReceived;
  final Counter deadLettered;
  final Counter lateReplies;
  final Counter lateRequests;
  final Counter duplicates;
  final Counter corrupt;
  final Counter interceptorFailures;
  final Timer requestLatency;

  Metrics(MeterRegistry r, String namespace, String hostId) {
    Tags t = Tags.of("namespace", namespace, "host", hostId);
    sent = Counter.builder("fedstream.records.sent").description("Records acknowledged by the broker").tags(t).register(r);
    received = Counter.builder("fedstream.records.received").description("Records read for local nodes").tags(t).register(r);
    bytesSent = Counter.builder("fedstream.bytes.sent").baseUnit("bytes").tags(t).register(r);
    bytesReceived = Counter.builder("fedstream.bytes.received").baseUnit("bytes").tags(t).register(r);
    deadLettered = Counter.builder("fedstream.records.dead.lettered").description("Undecodable records sent to the DLQ")
        .tags(t).register(r);
    lateReplies = Counter.builder("fedstream.replies.late").description("Replies dropped: the caller gave up").tags(t).register(r);
    lateRequests = Counter.builder("fedstream.requests.late").description("Requests dropped: past their deadline")
        .tags(t).register(r);
    duplicates = Counter.builder("fedstream.records.duplicate").description("Redeliveries dropped by message id")
        .tags(t).register(r);
    corrupt = Counter.builder("fedstream.payloads.corrupt").description("Chunked payloads with a missing or bad chunk")
        .tags(t).register(r);
    interceptorFailures = Counter.builder("fedstream.interceptor.failures")
        .description("Inbound messages an interceptor failed on (answered with an error or dead-lettered)").tags(t).register(r);
    requestLatency = Timer.builder("fedstream.request.latency").description("Request to reply").tags(t)
        .publishPercentiles(0.5, 0.99).register(r);
  }

  void sent(int bytes) {
    sent.increment();
    bytesSent.increment(bytes);
  }

  void received(int bytes) {
    received.increment();
    bytesReceived.increment(bytes);
  }
}
