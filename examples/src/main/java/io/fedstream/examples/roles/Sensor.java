package io.fedstream.examples.roles;

import io.fedstream.roles.Args;
import io.fedstream.roles.Event;
import io.fedstream.roles.Role;

/** A role with one event channel, {@code reading}, emitted on demand. */
public class Sensor extends Role {

  /** The event channel. */
  public final Event reading = new Event();

  /** Emits one reading (the role must be READY). */
  public void read(long value) {
    reading.emit(Args.of("value", value, "sensor", instanceId().toString()));
  }
}
