package io.fedstream.federation;

import io.fedstream.node.Node;
import java.util.List;
import java.util.Set;

/**
 * A node's place in one run of a federation: its node, role, peers and inbox. Made by the
 * federation (or by {@link NodeProcess} in another process) and given to the node before {@code train}.
 *
 * @param node the FedStream node underneath
 * @param role the node's role ({@value ClientServerFederation#SERVER_ROLE} for the server)
 * @param server whether this is the server
 * @param serverId the server's id
 * @param clientIds the clients' ids, in order
 * @param runId the run's id, carried by every message as an attribute
 * @param inbox the node's inbox
 */
record Seat(Node node, String role, boolean server, String serverId, List<String> clientIds, String runId, Inbox inbox) {

  Seat {
    clientIds = List.copyOf(clientIds);
  }

  boolean isMember(String id) {
    return id.equals(serverId) || Set.copyOf(clientIds).contains(id);
  }
}
