package io.fedstream.roles;

import java.util.Objects;

/**
 * An event channel of a role, declared as a field: {@code final Event myEvent = new Event();} (the
 * channel is named after the field, {@code my-event}) or {@code new Event("custom-name")}. Names
 * follow {@link Names}. Deploying the role binds it; {@link #emit} then publishes on the role's
 * event topic, from which the router delivers it to every matching subscription.
 */
public final class Event {

  private final String customName;
  private volatile Deployment owner;
  private volatile String name;

  /** An event channel named after its field. */
  public Event() {
    this.customName = null;
  }

  /**
   * An event channel with a name of its own.
   *
   * @param name the channel name (normalised by {@link Names})
   * @throws IllegalArgumentException if the name is invalid
   */
  public Event(String name) {
    this.customName = Names.of(Objects.requireNonNull(name, "name"));
  }

  /** The channel name; before the role is deployed, the custom name or null. */
  public String name() {
    return name != null ? name : customName;
  }

  void bind(Deployment owner, String fieldName) {
    this.owner = owner;
    this.name = customName != null ? customName : Names.of(fieldName);
  }

  /**
   * Emits an event, blocking until Kafka has acknowledged it.
   *
   * @param args the args (conditions are evaluated on them)
   * @param payloads the payloads (never looked at by conditions)
   * @throws IllegalStateException if the role is not deployed or not {@link RoleStatus#READY}
   *     (emitting is allowed from READY on: in handlers and in {@code run()})
   */
  public void emit(Args args, Payloads payloads) {
    Deployment d = owner;
    if (d == null) {
      throw new IllegalStateException("Event '" + name() + "' belongs to a role that is not deployed.");
    }
    d.emit(name, args == null ? Args.empty() : args, payloads == null ? Payloads.empty() : payloads);
  }

  /** {@link #emit(Args, Payloads)} without payloads. */
  public void emit(Args args) {
    emit(args, Payloads.empty());
  }
}
