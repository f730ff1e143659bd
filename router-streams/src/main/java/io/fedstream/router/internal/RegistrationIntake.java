package io.fedstream.router.internal;

import io.fedstream.schemas.RoutedRecords;
import io.fedstream.avro.ConditionalEvent;
import io.fedstream.avro.ErrorCode;
import io.fedstream.protocol.RouterContract;
import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.Limits;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Reads {@code <ns>.conditional-events} (keyed by registration id), validates each registration's
 * expression and re-keys it by the registering node for the {@link RegisterTable}, which is
 * co-partitioned with the node's mailbox. It remembers each id's node so a tombstone can follow.
 */
final class RegistrationIntake extends Step<byte[]> {

  static final String STORE = "registration-nodes";

  private KeyValueStore<String, String> nodes;

  RegistrationIntake(Settings settings) {
    super(settings);
  }

  @Override
  public void init(ProcessorContext<String, Out> context) {
    super.init(context);
    nodes = context.getStateStore(STORE);
  }

  @Override
  void handle(Record<String, byte[]> r) {
    String id = r.key();
    if (id == null) {
      if (r.value() != null) {
        deadLetter(r, ErrorCode.REJECTED, "a ConditionalEvent record needs its registrationId as key");
      }
      return;
    }
    if (r.value() == null) {
      remove(id, r.timestamp());
      return;
    }
    if (id.length() > Limits.MAX_ID_CHARS) {
      deadLetter(r, ErrorCode.REJECTED, "a ConditionalEvent record keyed by an id of " + id.length()
          + " characters; ids have at most " + Limits.MAX_ID_CHARS);
      return;
    }
    ConditionalEvent c;
    try {
      c = settings.codec().decode(sourceTopic(), r.value(), ConditionalEvent.class);
    } catch (RuntimeException e) {
      rethrowIfRegistryDown(e);
      deadLetter(r, ErrorCode.DECODE, "cannot decode ConditionalEvent: " + reason(e));
      return;
    }
    try {
      if (!id.equals(c.getRegistrationId())) {
        throw new IllegalArgumentException("record key '" + Limits.quote(id) + "' differs from registrationId '"
            + Limits.quote(c.getRegistrationId()) + "'; key the record by its registrationId");
      }
      if (c.getHandlerId() == null || c.getHandlerId().isBlank()) {
        throw new IllegalArgumentException("handlerId required.");
      }
      RouterContract.checkExpression(c.getExpression());
      if (r.value().length > Limits.MAX_CONTROL_RECORD_BYTES) {
        throw new IllegalArgumentException("a ConditionalEvent record of " + r.value().length + " bytes is larger"
            + " than the " + Limits.MAX_CONTROL_RECORD_BYTES + " the router accepts");
      }
    } catch (RuntimeException e) {
      ErrorCode code = ErrorRegistry.INVALID_CONDITION.isCodeOf(e) ? ErrorCode.INVALID_CONDITION : ErrorCode.REJECTED;
      if (c.getNodeId() == null || c.getNodeId().isBlank() || c.getNodeId().length() > Limits.MAX_ID_CHARS) {
        deadLetter(r, code, "registration rejected and no node to tell: " + e.getMessage());
      } else {
        LOG.info("registration {} rejected: {}", id, e.getMessage());
        emitEnvelope(Out.Route.MAILBOX, settings.mailbox(), c.getNodeId(),
            Envelopes.rejection(RoutedRecords.REGISTER_TAG, c.getNodeId(), id, "registrationId",
                e.getMessage(), r.timestamp(), position(), code),
            r.timestamp());
      }
      remove(id, r.timestamp());
      return;
    }
    if (c.getNodeId() == null || c.getNodeId().isBlank() || c.getNodeId().length() > Limits.MAX_ID_CHARS) {
      deadLetter(r, ErrorCode.REJECTED, "registration " + id + " has no nodeId (or one over "
          + Limits.MAX_ID_CHARS + " characters)");
      return;
    }
    String old = nodes.get(id);
    if (old != null && !old.equals(c.getNodeId())) {
      emit(Out.Route.NODE, old, Tagged.remove(id), r.timestamp());
    }
    nodes.put(id, c.getNodeId());
    emit(Out.Route.NODE, c.getNodeId(), Tagged.record(Tagged.UPSERT, id, c), r.timestamp());
  }

  private void remove(String id, long timestamp) {
    String old = nodes.delete(id);
    if (old != null) {
      emit(Out.Route.NODE, old, Tagged.remove(id), timestamp);
    }
  }
}
