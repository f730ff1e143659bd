/**
 * Security of a FedStream namespace: site keys, end-to-end encrypted and signed payloads (Google
 * Tink: HPKE hybrid encryption, Ed25519 signatures) and the ACLs that isolate sites. See
 * {@code docs/security.md}.
 */
package io.fedstream.security;
