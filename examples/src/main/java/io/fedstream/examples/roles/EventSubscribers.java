package io.fedstream.examples.roles;

import io.fedstream.roles.Args;
import io.fedstream.roles.EventHandler;
import io.fedstream.roles.Payloads;
import io.fedstream.roles.Role;
import io.fedstream.roles.RoleInstanceId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * RoleML's subscribers, one per row of the seed's condition table, each subscribing automatically
 * to {@code my-event} of the relationship {@code event-source}. Each records the events it got as
 * {@code msg1}..{@code msg3} (the seed's names, recognised by {@code a}).
 */
public final class EventSubscribers {

  private EventSubscribers() {
  }

  /** The events a subscriber got, by the seed's names. */
  public abstract static class Recording extends Role {
    private final List<String> got = new CopyOnWriteArrayList<>();

    void record(Args args) {
      Object a = args.get("a");
      got.add(a instanceof Number n ? switch (n.intValue()) {
        case 1 -> "msg1";
        case 2 -> "msg2";
        case 4 -> "msg3";
        default -> "a=" + a;
      } : "a=" + a);
    }

    /** The events received so far, by name, in arrival order. */
    public List<String> got() {
      return List.copyOf(got);
    }

    /** The conditions, as the seed writes them. */
    public abstract String conditions();
  }

  /** {@code {'a': 1}}: msg1 only. */
  public static class AEquals1 extends Recording {
    @EventHandler(relationship = "event-source", channel = "my-event", conditions = {"a", "1"})
    void handler(RoleInstanceId source, Args args, Payloads payloads) {
      record(args);
    }

    @Override
    public String conditions() {
      return "{'a': 1}";
    }
  }

  /** {@code {'a__gt': 1}}: msg2, msg3. */
  public static class AGreaterThan1 extends Recording {
    @EventHandler(relationship = "event-source", channel = "my-event", conditions = {"a__gt", "1"})
    void handler(RoleInstanceId source, Args args, Payloads payloads) {
      record(args);
    }

    @Override
    public String conditions() {
      return "{'a__gt': 1}";
    }
  }

  /** {@code {'a__gt': 1, 'c': "16"}}: msg3. */
  public static class AGreaterThan1AndC16 extends Recording {
    @EventHandler(relationship = "event-source", channel = "my-event", conditions = {"a__gt", "1", "c", "\"16\""})
    void handler(RoleInstanceId source, Args args, Payloads payloads) {
      record(args);
    }

    @Override
    public String conditions() {
      return "{'a__gt': 1, 'c': \"16\"}";
    }
  }

  /** {@code {'d': 32}}: none (payloads are never looked at). */
  public static class DEquals32 extends Recording {
    @EventHandler(relationship = "event-source", channel = "my-event", conditions = {"d", "32"})
    void handler(RoleInstanceId source, Args args, Payloads payloads) {
      record(args);
    }

    @Override
    public String conditions() {
      return "{'d': 32}";
    }
  }

  /** No conditions: every event, used to know that all three have been routed. */
  public static class Everything extends Recording {
    @EventHandler(relationship = "event-source", channel = "my-event")
    void handler(RoleInstanceId source, Args args, Payloads payloads) {
      record(args);
    }

    @Override
    public String conditions() {
      return "{}";
    }
  }
}
