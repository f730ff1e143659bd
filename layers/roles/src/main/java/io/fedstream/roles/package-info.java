/** Roles, channels and relationships (RoleML's programming model) over the node API. */
package io.fedstream.roles;
