package io.fedstream.router.internal;

import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.Subscription;
import io.fedstream.protocol.RouterContract;
import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.Limits;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Reads {@code <ns>.subscriptions} (keyed by subscription id), validates each subscription and
 * re-keys it by channel ({@code role/channel}) for the {@link ChannelRouter}. It remembers each
 * id's channel so that a tombstone, which carries no channel, can still be routed.
 */
final class SubscriptionIntake extends Step<byte[]> {

  static final String STORE = "subscription-channels";

  private KeyValueStore<String, String> channels;

  SubscriptionIntake(Settings settings) {
    super(settings);
  }

  @Override
  public void init(ProcessorContext<String, Out> context) {
    super.init(context);
    channels = context.getStateStore(STORE);
  }

  static String channelKey(String role, String channel) {
    return io.fedstream.schemas.RoutedRecords.channelKey(role, channel);
  }

  @Override
  void handle(Record<String, byte[]> r) {
    String id = r.key();
    if (id == null) {
      if (r.value() != null) {
        deadLetter(r, ErrorCode.REJECTED, "a subscription record needs its subscriptionId as key");
      }
      return;
    }
    if (r.value() == null) {
      remove(id, r.timestamp());
      return;
    }
    if (id.length() > Limits.MAX_ID_CHARS) {
      deadLetter(r, ErrorCode.REJECTED, "a Subscription record keyed by an id of " + id.length()
          + " characters; ids have at most " + Limits.MAX_ID_CHARS);
      return;
    }
    Subscription s;
    try {
      s = settings.codec().decode(sourceTopic(), r.value(), Subscription.class);
    } catch (RuntimeException e) {
      rethrowIfRegistryDown(e);
      deadLetter(r, ErrorCode.DECODE, "cannot decode Subscription: " + reason(e));
      return;
    }
    try {
      if (!id.equals(s.getSubscriptionId())) {
        throw new IllegalArgumentException("record key '" + Limits.quote(id) + "' differs from subscriptionId '"
            + Limits.quote(s.getSubscriptionId()) + "'; key the record by its subscriptionId");
      }
      s = RouterContract.checkSubscription(s);
      if (r.value().length > Limits.MAX_CONTROL_RECORD_BYTES) {
        throw new IllegalArgumentException("a Subscription record of " + r.value().length + " bytes is larger"
            + " than the " + Limits.MAX_CONTROL_RECORD_BYTES + " the router accepts");
      }
    } catch (RuntimeException e) {
      ErrorCode code = ErrorRegistry.INVALID_CONDITION.isCodeOf(e) ? ErrorCode.INVALID_CONDITION : ErrorCode.REJECTED;
      if (s.getSubscriber() == null || s.getSubscriber().isBlank()
          || s.getSubscriber().length() > Limits.MAX_ID_CHARS) {
        deadLetter(r, code, "subscription rejected and no subscriber to tell: " + e.getMessage());
      } else {
        LOG.info("subscription {} rejected: {}", id, e.getMessage());
        emitEnvelope(Out.Route.MAILBOX, settings.mailbox(), s.getSubscriber(),
            Envelopes.rejection(RoutedRecords.SUBSCRIBE_TAG, s.getSubscriber(), id, "subscriptionId",
                e.getMessage(), r.timestamp(), position(), code),
            r.timestamp());
      }
      // A bad replacement must not leave the old version active.
      remove(id, r.timestamp());
      return;
    }
    String key = channelKey(s.getRole(), s.getChannel());
    String old = channels.get(id);
    if (old != null && !old.equals(key)) {
      emit(Out.Route.CHANNEL, old, Tagged.remove(id), r.timestamp());
    }
    channels.put(id, key);
    emit(Out.Route.CHANNEL, key, Tagged.record(Tagged.UPSERT, id, s), r.timestamp());
  }

  private void remove(String id, long timestamp) {
    String old = channels.delete(id);
    if (old != null) {
      emit(Out.Route.CHANNEL, old, Tagged.remove(id), timestamp);
    }
  }
}
