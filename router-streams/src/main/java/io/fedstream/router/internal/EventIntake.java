package io.fedstream.router.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Kind;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.Framing;
import org.apache.avro.Schema;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads every {@code <ns>.events.<role>} topic, checks each envelope (dead-lettering what does
 * not decode, or what is not an {@code EVENT}) and hands it to the {@link ChannelRouter}, keyed by
 * channel ({@code role/tag}), keeping the role instance id (the record key) with it: directly
 * when the record is on its channel's partition ({@link RoutedRecords#channelPartition}), else
 * re-keyed through the internal topic.
 *
 * <p>It does not decode the envelope: one {@link EnvelopeScan} checks the body's structure and
 * reads {@code kind}, {@code tag} and {@code source}, and the original wire bytes go on to the
 * channel router unchanged, with the positions the scan found when the channel router can splice
 * the deliveries from them.
 */
final class EventIntake extends Step<byte[]> {

  private Schema lastWriter;
  private boolean lastSameLayout;

  EventIntake(Settings settings) {
    super(settings);
  }

  @Override
  void handle(Record<String, byte[]> r) {
    if (r.value() == null) {
      return;
    }
    String topic = sourceTopic();
    String role = topic.startsWith(settings.eventsPrefix())
        ? topic.substring(settings.eventsPrefix().length()) : topic;
    EnvelopeScan.Head head;
    boolean splice;
    try {
      Schema writer = settings.codec().writerSchema(topic, r.value(), Envelope.class);
      if (writer != lastWriter) {
        // the fingerprint is costly: compute it once per writer schema object (the codec caches those)
        lastSameLayout = EnvelopeSplice.sameLayout(writer);
        lastWriter = writer;
      }
      splice = lastSameLayout;
      head = EnvelopeScan.scan(writer, r.value(), Framing.HEADER_SIZE);
      if (head.kind() == null || head.tag() == null) {
        throw new IllegalArgumentException("its schema has no kind or no string tag");
      }
    } catch (RuntimeException ex) {
      rethrowIfRegistryDown(ex);
      deadLetter(r, ErrorCode.DECODE, "cannot decode Envelope: " + reason(ex));
      return;
    }
    if (!Kind.EVENT.name().equals(head.kind())) {
      deadLetter(r, ErrorCode.REJECTED, "an event topic carries EVENT envelopes only, this one is "
          + head.kind());
      return;
    }
    String channel = Topics.normalise(head.tag());
    String instance = r.key() != null ? r.key() : head.source();
    // On the partition its channel key hashes to (as the SDK writes events), the event is read by
    // the task that owns the channel: no re-keying. Anywhere else, one pass through events-by-channel.
    int partition = context().recordMetadata().map(m -> m.partition()).orElse(-1);
    boolean inPlace = partition == RoutedRecords.channelPartition(role, channel, settings.channelPartitions());
    emit(inPlace ? Out.Route.CHANNEL_IN_PLACE : Out.Route.CHANNEL, SubscriptionIntake.channelKey(role, channel),
        Tagged.wire(instance == null ? "" : instance, r.value(), splice ? head : null), r.timestamp());
  }
}
