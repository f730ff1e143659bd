/** The instruction/response connection (XAIN's network module) over the node API. */
package io.fedstream.connection;
