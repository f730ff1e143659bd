/** The proxy, sessions and the conditional event register table (MARO's programming model). */
package io.fedstream.proxy;
