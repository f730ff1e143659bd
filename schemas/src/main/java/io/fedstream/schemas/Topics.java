package io.fedstream.schemas;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The topic contract: every topic name FedStream uses, built in one place.
 *
 * <p>Names follow {@code <namespace>.<kind>[.<name>...]}, using only {@code [a-z0-9.-]}. The
 * namespace (the federation) comes first, so one cluster can hold many federations and ACLs can
 * be granted by prefix. {@code schemas/TOPICS.md} documents each name with its key, partitions,
 * cleanup policy and record; a test fails when the two disagree.
 *
 * <p>Every name part (namespace, group, role, channel) must match {@code [a-z0-9][a-z0-9-]*}. RoleML
 * names are normalised first: underscores become hyphens (see {@link #normalise(String)}).
 */
public final class Topics {

  /** Pattern every single name part must match after normalisation. */
  public static final Pattern NAME_PART = Pattern.compile("[a-z0-9][a-z0-9-]*");

  /** Kafka's own limit on a topic name's length. */
  public static final int MAX_TOPIC_LENGTH = 249;

  /** Suffix of the shared, partitioned mailbox topic. */
  public static final String MAILBOX = "mailbox";
  /** Infix of group broadcast topics: {@code <ns>.group.<group>}. */
  public static final String GROUP = "group";
  /** Infix of role channel topics: {@code <ns>.channel.<role>.<channel>}. */
  public static final String CHANNEL = "channel";
  /** Infix of event topics: {@code <ns>.events.<role>}. */
  public static final String EVENTS = "events";
  /** Suffix of the compacted heartbeat topic. */
  public static final String PRESENCE = "presence";
  /** Suffix of the compacted liveness topic the router derives from heartbeats. */
  public static final String LIVENESS = "liveness";
  /** Suffix of the compacted event-subscription topic. */
  public static final String SUBSCRIPTIONS = "subscriptions";
  /** Suffix of the compacted conditional-event register table topic. */
  public static final String CONDITIONAL_EVENTS = "conditional-events";
  /** Suffix of the compacted routing-server site topic. */
  public static final String SITES = "sites";
  /** Suffix of the compacted routing-server project topic. */
  public static final String PROJECTS = "projects";
  /** Suffix of the compacted routing-server run topic. */
  public static final String RUNS = "runs";
  /** Suffix of the dead-letter topic. */
  public static final String DEAD_LETTER = "dlq";
  /** Infix of a site's own topics: {@code <ns>.site.<siteId>.<commands|inbox|status|logs>}. */
  public static final String SITE = "site";
  /** Infix of a project's broadcast topic: {@code <ns>.project.<projectId>.events}. */
  public static final String PROJECT = "project";
  /** Last part of a site's command topic (written by the site, read by the router). */
  public static final String SITE_COMMANDS = "commands";
  /** Last part of a site's inbound topic (replies to its commands; written by the router). */
  public static final String SITE_INBOX = "inbox";
  /** Last part of a site's status topic (its accepted progress and states; written by the router). */
  public static final String SITE_STATUS = "status";
  /** Last part of a site's log topic (its accepted log lines; written by the router). */
  public static final String SITE_LOGS = "logs";
  /** Last part of a project's broadcast topic. */
  public static final String PROJECT_EVENTS = "events";

  /** The fixed (one per namespace) topic suffixes, in the order TOPICS.md lists them. */
  public static final List<String> FIXED_SUFFIXES = List.of(
      MAILBOX, PRESENCE, LIVENESS, SUBSCRIPTIONS, CONDITIONAL_EVENTS, SITES, PROJECTS, RUNS,
      DEAD_LETTER);

  private Topics() {
  }

  /**
   * Normalises a user-given name part: underscores become hyphens (as RoleML does). Case is kept, so
   * that an upper-case name is rejected by {@link #requireName} rather than silently changed.
   *
   * @param name a namespace, group, role or channel name; must not be null
   * @return the name with every {@code _} replaced by {@code -}
   */
  public static String normalise(String name) {
    Objects.requireNonNull(name, "name");
    return name.replace('_', '-');
  }

  /**
   * Checks one name part after {@link #normalise(String) normalising} it.
   *
   * @param what what the name is, for the error message ("namespace", "group", ...)
   * @param name the name
   * @return the normalised name
   * @throws IllegalArgumentException if the name is empty or has characters outside
   *     {@code [a-z0-9-]}, or starts with a hyphen; the message names the offending value
   */
  public static String requireName(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(what + " required.");
    }
    String n = normalise(name);
    if (!NAME_PART.matcher(n).matches()) {
      throw new IllegalArgumentException(what + " '" + name + "' is not valid: use lower-case letters, digits"
          + " and hyphens (underscores become hyphens), starting with a letter or digit"
          + (n.equals(n.toLowerCase(Locale.ROOT)) ? "." : "; it has upper-case letters."));
    }
    return n;
  }

  /** The shared, partitioned mailbox topic of a namespace, keyed by destination node id. */
  public static String mailbox(String namespace) {
    return join(namespace, MAILBOX);
  }

  /** The broadcast topic of one group: one record is read by every member. */
  public static String group(String namespace, String group) {
    return join(namespace, GROUP, requireName("group", group));
  }

  /** The topic of one role channel (service or task); every instance of the role shares one consumer group. */
  public static String channel(String namespace, String role, String channel) {
    return join(namespace, CHANNEL, requireName("role", role), requireName("channel", channel));
  }

  /** The consumer group shared by every instance of a role for its service and task channels. */
  public static String roleConsumerGroup(String namespace, String role) {
    return join(namespace, "role", requireName("role", role));
  }

  /** The event topic of one emitting role; records are keyed by role instance id. */
  public static String events(String namespace, String role) {
    return join(namespace, EVENTS, requireName("role", role));
  }

  /** The compacted heartbeat topic, keyed by node id. */
  public static String presence(String namespace) {
    return join(namespace, PRESENCE);
  }

  /** The compacted liveness topic (alive, suspect, gone) the router writes, keyed by node id. */
  public static String liveness(String namespace) {
    return join(namespace, LIVENESS);
  }

  /** The compacted event-subscription topic, keyed by subscription id. */
  public static String subscriptions(String namespace) {
    return join(namespace, SUBSCRIPTIONS);
  }

  /** The compacted conditional-event register table, keyed by registration id. */
  public static String conditionalEvents(String namespace) {
    return join(namespace, CONDITIONAL_EVENTS);
  }

  /** The compacted routing-server site topic, keyed by site id. */
  public static String sites(String namespace) {
    return join(namespace, SITES);
  }

  /** The compacted routing-server project topic, keyed by project id. */
  public static String projects(String namespace) {
    return join(namespace, PROJECTS);
  }

  /** The compacted routing-server run topic, keyed by run id. */
  public static String runs(String namespace) {
    return join(namespace, RUNS);
  }

  /**
   * A site's command topic, keyed by command id: the only topic a site writes to the router, so
   * the topic (guarded by an ACL) names the sender. One partition.
   */
  public static String siteCommands(String namespace, String siteId) {
    return join(namespace, SITE, requireName("site", siteId), SITE_COMMANDS);
  }

  /** A site's inbound topic: the router's replies to its commands, keyed by command id. */
  public static String siteInbox(String namespace, String siteId) {
    return join(namespace, SITE, requireName("site", siteId), SITE_INBOX);
  }

  /** A site's status topic: its accepted progress reports and state changes, keyed by run id. */
  public static String siteStatus(String namespace, String siteId) {
    return join(namespace, SITE, requireName("site", siteId), SITE_STATUS);
  }

  /** A site's log topic: its accepted log lines, keyed by run id. */
  public static String siteLogs(String namespace, String siteId) {
    return join(namespace, SITE, requireName("site", siteId), SITE_LOGS);
  }

  /** A project's broadcast topic: every change of the project and its runs, written once. */
  public static String projectEvents(String namespace, String projectId) {
    return join(namespace, PROJECT, requireName("project", projectId), PROJECT_EVENTS);
  }

  /** The dead-letter topic: records that could not be decoded or delivered, with the reason in headers. */
  public static String deadLetter(String namespace) {
    return join(namespace, DEAD_LETTER);
  }

  private static String join(String namespace, String... parts) {
    StringBuilder b = new StringBuilder(requireName("namespace", namespace));
    for (String p : parts) {
      b.append('.').append(p);
    }
    if (b.length() > MAX_TOPIC_LENGTH) {
      throw new IllegalArgumentException("topic name '" + b + "' is longer than " + MAX_TOPIC_LENGTH
          + " characters; use shorter namespace, group, role or channel names.");
    }
    return b.toString();
  }
}
