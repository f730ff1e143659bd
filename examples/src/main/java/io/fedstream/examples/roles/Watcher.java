package io.fedstream.examples.roles;

import io.fedstream.roles.Args;
import io.fedstream.roles.EventHandler;
import io.fedstream.roles.Payloads;
import io.fedstream.roles.Role;
import io.fedstream.roles.RoleInstanceId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Subscribes automatically to {@code reading} of every instance in the relationship {@code sensor};
 * the subscriptions follow the relationship as instances join and leave it.
 */
public class Watcher extends Role {

  private final List<String> got = new CopyOnWriteArrayList<>();

  @EventHandler(relationship = "sensor", channel = "reading")
  void onReading(RoleInstanceId source, Args args, Payloads payloads) {
    got.add(source + "=" + args.get("value"));
  }

  /** What arrived, {@code instance=value}, in arrival order. */
  public List<String> got() {
    return List.copyOf(got);
  }
}
