package io.fedstream.security;

import io.fedstream.schemas.Topics;

/**
 * Topic names of a secured namespace's per-site layout ({@code schemas/TOPICS.md}, "Secured
 * namespaces"). Kafka ACLs are per topic or prefix, never per key, so each site's inbound traffic,
 * status and logs live in topics of its own that ACLs can guard; a project's broadcasts have one
 * topic per project.
 */
public final class SecuredTopics {

  private SecuredTopics() {
  }

  /** {@code {ns}.site.{site}.}: the prefix of a site's own topics and consumer groups. */
  public static String sitePrefix(String ns, String site) {
    return Topics.requireName("namespace", ns) + ".site." + Topics.requireName("site", site) + ".";
  }

  /** {@code {ns}.site.{site}.inbox}: messages, requests and replies to the site; only it reads. */
  public static String inbox(String ns, String site) {
    return sitePrefix(ns, site) + "inbox";
  }

  /** {@code {ns}.site.{site}.commands}: the site's commands to the router; only it writes. */
  public static String commands(String ns, String site) {
    return sitePrefix(ns, site) + "commands";
  }

  /** {@code {ns}.site.{site}.status}: the site's status in runs (written by the router). */
  public static String status(String ns, String site) {
    return sitePrefix(ns, site) + "status";
  }

  /** {@code {ns}.site.{site}.logs}: the site's log lines in runs (written by the router). */
  public static String logs(String ns, String site) {
    return sitePrefix(ns, site) + "logs";
  }

  /** {@code {ns}.project.{project}.broadcast}: the coordinator's broadcasts to the project's members. */
  public static String broadcast(String ns, String project) {
    return Topics.requireName("namespace", ns) + ".project." + Topics.requireName("project", project) + ".broadcast";
  }
}
