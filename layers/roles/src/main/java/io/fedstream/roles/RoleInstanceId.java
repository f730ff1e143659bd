package io.fedstream.roles;

import java.util.Objects;

/**
 * A role instance: the node (RoleML's actor) it runs on and the name of the role there, written
 * {@code node/role}, e.g. {@code alice/provider}. The role name follows {@link Names}; the node id
 * is kept as given.
 *
 * @param node the node id
 * @param role the role name (normalised)
 */
public record RoleInstanceId(String node, String role) {

  /**
   * Checks both parts and normalises the role name.
   *
   * @throws IllegalArgumentException if a part is blank or the node id holds a {@code /}
   */
  public RoleInstanceId {
    if (node == null || node.isBlank() || node.contains("/")) {
      throw new IllegalArgumentException("A role instance needs a node id without '/', was '" + node + "'.");
    }
    role = Names.of(Objects.requireNonNull(role, "role"));
  }

  /**
   * Parses {@code node/role}.
   *
   * @param id the instance id, e.g. {@code alice/provider}
   * @return the instance
   * @throws IllegalArgumentException if it is not {@code node/role}
   */
  public static RoleInstanceId of(String id) {
    int slash = id == null ? -1 : id.indexOf('/');
    if (slash <= 0 || slash == id.length() - 1) {
      throw new IllegalArgumentException("A role instance id is 'node/role', e.g. 'alice/provider'; was '" + id + "'.");
    }
    return new RoleInstanceId(id.substring(0, slash), id.substring(slash + 1));
  }

  /** {@code node/role}. */
  @Override
  public String toString() {
    return node + "/" + role;
  }
}
