package io.fedstream.node.internal;

import java.util.concurrent.ThreadLocalRandom;

/** W3C trace context: {@code 00-<trace id>-<span id>-<flags>}. */
final class Trace {

  private Trace() {
  }

  /** A new trace with a new span, sampled. */
  static String newTraceparent() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "00-" + hex(r.nextLong()) + hex(r.nextLong()) + "-" + hex(r.nextLong()) + "-01";
  }

  /** A child span in the same trace, or a new trace when the parent is missing or malformed. */
  static String child(String parent) {
    if (parent == null || parent.length() != 55 || parent.charAt(2) != '-') {
      return newTraceparent();
    }
    return parent.substring(0, 36) + hex(ThreadLocalRandom.current().nextLong()) + parent.substring(52);
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return "0000000000000000".substring(s.length()) + s;
  }
}
