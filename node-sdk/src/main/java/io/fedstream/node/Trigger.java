package io.fedstream.node;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One trigger of a registration in the router's conditional event register table (see {@link
 * Node#register(String, String)}): the expression was met by the messages gathered since the
 * previous trigger. Immutable.
 *
 * @param registrationId the registration this trigger belongs to
 * @param handlerId the handler id given at registration (the trigger's tag)
 * @param expression the registration's expression
 * @param sequence 0 for the first trigger of the registration, then 1, 2, ...
 * @param items every gathered message, in arrival order
 */
public record Trigger(String registrationId, String handlerId, String expression, long sequence,
    List<Item> items) {

  /**
   * One gathered message: embedded in the trigger (decoded to a {@link Message}), or, past the
   * router's size budget for a trigger, a reference to where it is, which the SDK fetches.
   *
   * @param position {@code topic:partition:offset} of the message in the mailbox
   * @param message the decoded message: embedded, or, for a reference, fetched from its position
   *     when the trigger is handed over (a payload that travelled as chunks is left out of this
   *     copy: {@link Node#receive()} delivers the reassembled file); empty if it could not be
   *     decoded or fetched (within the request timeout)
   */
  public record Item(String position, Optional<Message> message) {
    /** Checks and keeps the fields. */
    public Item {
      Objects.requireNonNull(position, "position");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Checks and copies the fields. */
  public Trigger {
    Objects.requireNonNull(registrationId, "registrationId");
    Objects.requireNonNull(handlerId, "handlerId");
    expression = expression == null ? "" : expression;
    items = List.copyOf(items);
  }

  /** The gathered messages, in arrival order (those that could not be resolved left out). */
  public List<Message> messages() {
    return items.stream().flatMap(g -> g.message().stream()).toList();
  }

  /** The positions ({@code topic:partition:offset}) of gathered messages that could not be resolved. */
  public List<String> references() {
    return items.stream().filter(g -> g.message().isEmpty()).map(Item::position).toList();
  }
}
