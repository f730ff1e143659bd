/**
 * The {@code fedstream demo} federation: the client/server message-passing tutorial on FedStream's
 * mailbox topic. {@link io.fedstream.launcher.demo.MessagingFederation} is the entry point.
 */
package io.fedstream.launcher.demo;
