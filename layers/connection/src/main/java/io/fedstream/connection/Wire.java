package io.fedstream.connection;

/** Attributes and tags of the connection's messages on the mailboxes (docs/connection.md). */
final class Wire {

  /** The client's connection id, fresh per {@link Connection}: a reconnect is a new one. */
  static final String CONNECTION = "xain.connection";
  /** On an instruction: its id. */
  static final String INSTRUCTION = "xain.instruction";
  /** On a client's dispatch: the instruction it answers (absent on the first, empty, one). */
  static final String ANSWERS = "xain.answers";
  /** Tag: the client closed its connection. */
  static final String BYE = "xain.bye";
  /** Tag: the server closed. */
  static final String CLOSE = "xain.close";

  private Wire() {
  }
}
