package io.fedstream.projects;

import java.time.Instant;
import java.util.Optional;

/**
 * A site as the router records it.
 *
 * @param id the site id
 * @param name display name
 * @param description free text
 * @param connected whether its heartbeats arrive (CONNECTED) or not (DISCONNECTED)
 * @param state the state the site reports about itself
 * @param publicKey the key other sites encrypt to, if registered
 * @param publicKeyId the key's id, if any
 * @param publicKeyVersion the key's version (0 when none)
 * @param registeredAt first registration
 * @param lastSeenAt last heartbeat the router acted on
 */
public record SiteInfo(String id, String name, String description, boolean connected, String state,
    Optional<byte[]> publicKey, Optional<String> publicKeyId, int publicKeyVersion, Instant registeredAt,
    Instant lastSeenAt) {
}
