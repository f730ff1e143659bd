package io.fedstream.federation;

/** The federation's own messages between its control node and nodes of other processes. */
final class Control {

  /** Request, control → remote node: run {@code train} with these args (body map). Reply: empty, or CALLER. */
  static final String START = "federation.start";
  /** Control → remote node: stop now. */
  static final String STOP = "federation.stop";
  /** Remote node → control: train ended; attribute {@link #ERROR} set if it failed. */
  static final String DONE = "federation.done";

  static final String ROLE = "federation.role";
  static final String SERVER = "federation.server";
  static final String CLIENTS = "federation.clients";
  static final String IS_SERVER = "federation.is-server";
  static final String ERROR = "federation.error";
  static final String ERROR_CODE = "federation.error-code";

  /** The group every client joins (for {@code node().broadcast}). */
  static final String CLIENT_GROUP = "clients";

  /** The group every node of another process joins, so that the federation can see it present. */
  static final String REMOTE_GROUP = "federation-nodes";

  private Control() {
  }

  /** The control node's id for a server id. */
  static String controlId(String serverId) {
    return serverId + ".federation";
  }
}
