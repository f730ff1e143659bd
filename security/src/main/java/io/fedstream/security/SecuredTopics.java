package io.fedstream.security;

import io.fedstream.schemas.Topics;

/**
 * Topic names of a secured namespace's per-site layout ({@code schemas/TOPICS.md}, "Secured
 * namespaces"). Kafka ACLs are per topic or prefix, never per key, so each site's node traffic
 * lives in a topic of its own that ACLs can guard, beside the routing server's per-site topics
 * ({@link Topics#siteCommands}, {@link Topics#siteInbox}, {@link Topics#siteStatus},
 * {@link Topics#siteLogs}); a project's node broadcasts have one topic per project.
 */
public final class SecuredTopics {

  private SecuredTopics() {
  }

  /** {@code {ns}.site.{site}.}: the prefix of a site's own topics and consumer groups. */
  public static String sitePrefix(String ns, String site) {
    return Topics.requireName("namespace", ns) + "." + Topics.SITE + "." + Topics.requireName("site", site) + ".";
  }

  /**
   * {@code {ns}.site.{site}.mail}: node messages (envelopes, payloads sealed to the site) from the
   * site's project peers; only the site reads it. The secured namespace's replacement for the
   * shared mailbox.
   */
  public static String mail(String ns, String site) {
    return sitePrefix(ns, site) + "mail";
  }

  /**
   * {@code {ns}.project.{project}.broadcast}: the coordinator's node broadcasts to the project's
   * members, each payload sealed once for all of them. (The router's own project broadcasts go to
   * {@link Topics#projectEvents}.)
   */
  public static String broadcast(String ns, String project) {
    return Topics.requireName("namespace", ns) + "." + Topics.PROJECT + "." + Topics.requireName("project", project)
        + ".broadcast";
  }

  /**
   * The namespace's topics a site's node reads or writes from its start, which the router would
   * otherwise create only when it first writes them: the directory ({@code {ns}.sites}, {@code
   * {ns}.projects}, {@code {ns}.runs}) and the dead-letter topic. {@code fedstream site add} creates
   * those that are missing, with the contract's settings.
   */
  public static java.util.List<String> namespaceTopics(String ns) {
    return java.util.List.of(Topics.sites(ns), Topics.projects(ns), Topics.runs(ns), Topics.deadLetter(ns));
  }

  /** Every topic {@code fedstream site add} creates for a site: commands, inbox, status, logs, mail. */
  public static java.util.List<String> siteTopics(String ns, String site) {
    return java.util.List.of(Topics.siteCommands(ns, site), Topics.siteInbox(ns, site), Topics.siteStatus(ns, site),
        Topics.siteLogs(ns, site), mail(ns, site));
  }
}
