package io.fedstream.node;

import java.util.Map;
import java.util.Set;

/**
 * What an alive member of the namespace announced in its last heartbeat.
 *
 * @param nodeId the node
 * @param groups its groups
 * @param roles the roles it plays
 * @param relationships relationship name to role instance ids
 */
public record MemberInfo(String nodeId, Set<String> groups, Set<String> roles, Map<String, Set<String>> relationships) {

  /** Copies the collections. */
  public MemberInfo {
    groups = Set.copyOf(groups);
    roles = Set.copyOf(roles);
    relationships = PresenceEvent.copyRelationships(relationships);
  }
}
