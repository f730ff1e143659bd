package io.fedstream.node.internal;

import io.fedstream.node.Message;
import java.time.Instant;

/** Test access to the fields the node fills in when it sends, to build messages as they travel. */
public final class WireFields {

  private WireFields() {
  }

  /** Sets the source and creation time a node would set. */
  public static Message.Builder sent(Message.Builder b, String source, Instant at) {
    Wire.source(b, source);
    Wire.createdAt(b, at);
    return b;
  }
}
