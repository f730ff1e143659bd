package io.fedstream.proxy;

/**
 * The stages of a session as a proxy sees them. A {@link SessionType#TASK} session goes through
 * {@link #REQUEST}, {@link #WORKING} and {@link #RESULT}; a {@link SessionType#NOTIFICATION}
 * session through {@link #SENT} and {@link #RECEIVED}.
 */
public enum SessionStage {
  /** TASK: the request was sent (sender) or has arrived (receiver). */
  REQUEST,
  /** TASK: the receiver has handed the request to its code; the sender learns it with the result. */
  WORKING,
  /** TASK: the receiver replied (receiver), the reply arrived (sender). */
  RESULT,
  /** NOTIFICATION: the broker acknowledged it (sender). */
  SENT,
  /** NOTIFICATION: it arrived (receiver). */
  RECEIVED
}
