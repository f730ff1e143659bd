package io.fedstream.node;

/**
 * Where a {@link Node#serve(String, java.util.function.Function, ServeOptions) serve} handler
 * runs.
 *
 * <ul>
 *   <li>{@link #workers()} (the default): in a lane per caller, run by the host's bounded
 *       handler pool ({@link NodeConfig#HANDLER_THREADS} threads) or, one lane per batch read, by
 *       the poll thread itself, which hands polling to another thread when the handler has not
 *       returned within 1 ms. The handler may block (sleep, wait for a client, {@code block()});
 *       messages from one caller reach it in arrival order, one at a time, and the replies to one
 *       caller go out in the order of their requests. A blocking handler holds back its own
 *       caller's later messages, and other callers and nodes by about 1 ms at most.
 *   <li>{@link #pollThread()}: on the host's poll thread, as soon as the message is read: no
 *       thread hop, for handlers that never block and return at once (blocking there stalls
 *       every node of the host; {@code block()} fails at once).
 * </ul>
 */
public final class ServeOptions {

  private static final ServeOptions WORKERS = new ServeOptions(false);
  private static final ServeOptions POLL_THREAD = new ServeOptions(true);

  private final boolean pollThread;

  private ServeOptions(boolean pollThread) {
    this.pollThread = pollThread;
  }

  /** Run in the caller's lane (handler pool, or the poll thread for up to 1 ms); blocking is allowed. The default. */
  public static ServeOptions workers() {
    return WORKERS;
  }

  /** Run on the host's poll thread; the handler must never block. */
  public static ServeOptions pollThread() {
    return POLL_THREAD;
  }

  /** True if the handler runs on the poll thread. */
  public boolean onPollThread() {
    return pollThread;
  }

  @Override
  public String toString() {
    return pollThread ? "ServeOptions.pollThread" : "ServeOptions.workers";
  }
}
