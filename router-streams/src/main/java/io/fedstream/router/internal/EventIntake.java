package io.fedstream.router.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Kind;
import io.fedstream.schemas.Topics;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads every {@code <ns>.events.<role>} topic, decodes each envelope (dead-lettering what it
 * cannot decode, or what is not an {@code EVENT}) and re-keys it by channel ({@code role/tag})
 * for the {@link ChannelRouter}, keeping the role instance id (the record key) with it.
 */
final class EventIntake extends Step<byte[]> {

  EventIntake(Settings settings) {
    super(settings);
  }

  @Override
  public void process(Record<String, byte[]> r) {
    if (r.value() == null) {
      return;
    }
    String topic = sourceTopic();
    String role = topic.startsWith(settings.eventsPrefix())
        ? topic.substring(settings.eventsPrefix().length()) : topic;
    Envelope e;
    try {
      e = settings.codec().decode(topic, r.value(), Envelope.class);
    } catch (RuntimeException ex) {
      rethrowIfRegistryDown(ex);
      deadLetter(r, ErrorCode.DECODE, "cannot decode Envelope: " + reason(ex));
      return;
    }
    if (e.getKind() != Kind.EVENT) {
      deadLetter(r, ErrorCode.REJECTED, "an event topic carries EVENT envelopes only, this one is "
          + e.getKind());
      return;
    }
    String channel = Topics.normalise(e.getTag());
    String instance = r.key() != null ? r.key() : e.getSource();
    emit(Out.Route.CHANNEL, SubscriptionIntake.channelKey(role, channel),
        Tagged.record(Tagged.EVENT, instance == null ? "" : instance, e), r.timestamp());
  }
}
