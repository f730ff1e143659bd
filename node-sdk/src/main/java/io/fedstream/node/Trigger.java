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
   * router's size budget for a trigger, a reference to where it is in the mailbox.
   *
   * @param position {@code topic:partition:offset} of the message in the mailbox
   * @param message the decoded message if it was embedded (a payload that travelled as chunks is
   *     left out of this copy: {@link Node#receive()} delivers the reassembled file); empty for a
   *     reference, or if the embedded copy could not be decoded
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

  /** The embedded gathered messages, in arrival order (references left out). */
  public List<Message> messages() {
    return items.stream().flatMap(g -> g.message().stream()).toList();
  }

  /** The positions ({@code topic:partition:offset}) of gathered messages that were not embedded. */
  public List<String> references() {
    return items.stream().filter(g -> g.message().isEmpty()).map(Item::position).toList();
  }
}
