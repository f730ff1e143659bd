package io.fedstream.node.internal;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;

/** Builds messages as they arrive from the wire, wire-only fields included (tests only). */
final class WireBuilder {
  private final Message.Builder b;

  private WireBuilder(Message.Builder b) {
    this.b = b;
  }

  static WireBuilder of(Message.Builder b) {
    return new WireBuilder(b);
  }

  WireBuilder tag(String tag) {
    b.tag(tag);
    return this;
  }

  WireBuilder to(String to) {
    b.to(to);
    return this;
  }

  WireBuilder source(String source) {
    Wire.source(b, source);
    return this;
  }

  WireBuilder kind(Message.Kind kind) {
    Wire.kind(b, kind);
    return this;
  }

  WireBuilder inReplyTo(String id) {
    Wire.inReplyTo(b, id);
    return this;
  }

  WireBuilder attribute(String k, String v) {
    Wire.attribute(b, k, v);
    return this;
  }

  WireBuilder error(ErrorCode code, String reason) {
    b.error(code, reason);
    return this;
  }

  Message build() {
    return b.build();
  }
}
