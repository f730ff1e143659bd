/**
 * Service provider interfaces of the node: {@link io.fedstream.node.spi.Interceptor}, the hook
 * around every message a node sends and receives (trace context, end-to-end encryption and
 * signatures, a layer's own metadata). Register interceptors on {@code NodeConfig.Builder} (every
 * node of a host) or on {@code NodeSpec.Builder} (one node).
 */
package io.fedstream.node.spi;
