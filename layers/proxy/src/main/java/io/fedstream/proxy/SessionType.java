package io.fedstream.proxy;

/** The two kinds of session MARO predefines. */
public enum SessionType {
  /** A computing task: request, being worked on, result. Its receiver is expected to reply. */
  TASK,
  /** Information syncing: sent, received. No reply is expected. */
  NOTIFICATION
}
