package io.fedstream.roles;

/** The handler of a manual subscription ({@link Role#subscribe}): RoleML's event handler signature. */
@FunctionalInterface
public interface EventListener {

  /**
   * Handles one event, on the role node's worker pool (it may block); events of one subscription
   * arrive one at a time, in the order emitted by each instance.
   *
   * @param source the role instance that emitted it
   * @param args its args
   * @param payloads its payloads
   */
  void onEvent(RoleInstanceId source, Args args, Payloads payloads);
}
