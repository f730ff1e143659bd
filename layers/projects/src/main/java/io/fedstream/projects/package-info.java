/** Sites, projects and runs, the site side of the routing server (FriendlyFL's programming model). */
package io.fedstream.projects;
