package io.fedstream.node.internal;

import io.fedstream.node.Message;
import io.fedstream.schemas.RoutedRecords;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's acknowledgement of an accepted subscription: a {@code REPLY} from
 * {@code fedstream-router}, tag {@code fedstream.subscribe}, {@code inReplyTo} = the subscription
 * id, without an error. It is written by the task that routes the subscription's channel, right
 * after it applied the subscription, so every event that task reads afterwards is matched against
 * it: an event emitted after the acknowledgement arrived is never missed.
 */
final class Acknowledged {

  private static final Logger LOG = LoggerFactory.getLogger(Acknowledged.class);

  private Acknowledged() {
  }

  /** Whether a routed message is a subscription's acknowledgement (rather than its rejection). */
  static boolean isAcknowledgement(Message m) {
    return m.kind() == Message.Kind.REPLY && m.error().isEmpty() && RoutedRecords.SUBSCRIBE_TAG.equals(m.tag())
        && RoutedRecords.ROUTER_SOURCE.equals(m.source()) && m.inReplyTo().isPresent();
  }

  /** {@code r} made to run at most once (the router acknowledges a rewritten subscription again). */
  static Runnable once(Runnable r) {
    if (r == null) {
      return null;
    }
    AtomicBoolean ran = new AtomicBoolean();
    return () -> {
      if (ran.compareAndSet(false, true)) {
        r.run();
      }
    };
  }

  static void run(Runnable onLive, String nodeId, String subscriptionId) {
    if (onLive == null) {
      LOG.debug("node {}: subscription {} acknowledged", nodeId, subscriptionId);
      return;
    }
    try {
      onLive.run();
    } catch (RuntimeException e) {
      LOG.warn("node {}: the live callback of subscription {} failed: {}", nodeId, subscriptionId, e.toString());
    }
  }
}
