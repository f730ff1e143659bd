package io.fedstream.node.internal;

import io.fedstream.node.Node;
import io.fedstream.node.NodeHost;

/** Reaches into a node's host from tests in other packages. */
public final class TestAccess {

  private TestAccess() {
  }

  /** The host serving a node. */
  public static NodeHost host(Node n) {
    return ((LocalNode) n).host();
  }

  /** Messages waiting in a node's receive queue. */
  public static int queued(Node n) {
    return ((LocalNode) n).inbox.queued();
  }

  /** True when the node's mailbox partition is paused for backpressure. */
  public static boolean mailboxPaused(Node n) {
    NodeHostImpl h = ((LocalNode) n).host();
    return h.mailboxPaused(n.id());
  }
}
