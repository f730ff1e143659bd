/** The client/server federation (FedRay's programming model) over the node API. */
package io.fedstream.federation;
