package io.fedstream.examples.roles;

import io.fedstream.node.Payload;
import io.fedstream.roles.Args;
import io.fedstream.roles.Event;
import io.fedstream.roles.Payloads;
import io.fedstream.roles.Role;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * RoleML's event source, a {@link Runnable} role with the event channel {@code my_event}
 * ({@code my-event}): once READY, {@code run()} emits the seed's three messages,
 * {@code msg1 = (a=1, b=2, c="4"; d=8, e="16")}, {@code msg2 = (2, 4, "8"; 16, "32")},
 * {@code msg3 = (4, 8, "16"; 32, "64")}, args first, payloads after the semicolon.
 */
public class EventSource extends Role implements Runnable {

  /** The event channel, named after the field. */
  public final Event my_event = new Event();
  private final CompletableFuture<Void> emitted = new CompletableFuture<>();

  @Override
  public void run() {
    try {
      emit(1, 2, "4", 8, "16");
      emit(2, 4, "8", 16, "32");
      emit(4, 8, "16", 32, "64");
      emitted.complete(null);
    } catch (RuntimeException e) {
      emitted.completeExceptionally(e);
    }
  }

  private void emit(long a, long b, String c, long d, String e) {
    my_event.emit(Args.of("a", a, "b", b, "c", c), Payloads.of(
        Payload.ofBytes("d", Long.toString(d).getBytes(StandardCharsets.UTF_8)),
        Payload.ofBytes("e", e.getBytes(StandardCharsets.UTF_8))));
  }

  /** Completes when the three messages are emitted. */
  public CompletableFuture<Void> emitted() {
    return emitted;
  }
}
