package io.fedstream.node.internal;

import io.fedstream.node.NodeConfig;
import io.fedstream.schemas.Topics;
import java.util.List;

/**
 * Which topics a host reads and writes, chosen by the namespace's configuration ({@link
 * NodeConfig#TOPIC_LAYOUT}, written into a site's kit by {@code fedstream site add}), never by the
 * user's code. {@code schemas/TOPICS.md} ("Secured namespaces") has both layouts and their ACLs.
 * <ul>
 *   <li>{@link #shared}: one partitioned {@code {ns}.mailbox} keyed by destination, a topic per
 *       group, the {@code {ns}.presence} heartbeats; topics are created on demand.
 *   <li>{@link #perSite}: a secured namespace. Each node is a site: it reads its own {@code
 *       {ns}.site.{id}.mail}, writes to its peers' mail topics, broadcasts to a group (a project)
 *       on {@code {ns}.project.{p}.broadcast}; presence comes from the router's {@code {ns}.sites}
 *       and {@code {ns}.projects} records and heartbeats go to the site's own commands topic
 *       ({@link SitePresence}). Nothing is created: {@code fedstream site add} and {@code site
 *       sync} create the topics a site may use.
 * </ul>
 */
abstract class TopicLayout {

  /** {@link NodeConfig#TOPIC_LAYOUT} value of the shared layout. */
  static final String SHARED = "shared";
  /** {@link NodeConfig#TOPIC_LAYOUT} value of the per-site layout. */
  static final String PER_SITE = "per-site";

  final String ns;

  private TopicLayout(String ns) {
    this.ns = ns;
  }

  /** The layout the config names. */
  static TopicLayout of(NodeConfig config) {
    return PER_SITE.equals(config.topicLayout()) ? perSite(config.namespace()) : shared(config.namespace());
  }

  /** The shared layout of a namespace. */
  static TopicLayout shared(String ns) {
    return new Shared(ns);
  }

  /** The per-site layout of a namespace. */
  static TopicLayout perSite(String ns) {
    return new PerSite(ns);
  }

  /** {@link #SHARED} or {@link #PER_SITE}. */
  abstract String name();

  /** The topic a message to {@code destination} is written to (keyed by the destination). */
  abstract String mailTo(String destination);

  /** True when {@code topic} carries node messages keyed by destination. */
  abstract boolean isMail(String topic);

  /** True when a node reads only the partition its id hashes to (the shared mailbox). */
  abstract boolean partitionedByNode();

  /** The topic of a group's broadcasts. */
  abstract String groupTopic(String group);

  /** The group of a group topic, or null when {@code topic} is not one. */
  abstract String groupOf(String topic);

  /** The topics presence is read from (from their beginning, never committed). */
  abstract List<String> presenceTopics();

  /** True when {@code topic} is one of {@link #presenceTopics()}. */
  final boolean isPresence(String topic) {
    return presenceTopics().contains(topic);
  }

  /** True in the per-site layout (presence from the router's records, {@link SitePresence}). */
  final boolean perSite() {
    return PER_SITE.equals(name());
  }

  /** Where dead letters go. */
  final String deadLetter() {
    return Topics.deadLetter(ns);
  }

  /** The consumer group of a host. */
  abstract String consumerGroup(String hostId);

  /** True when the SDK creates missing topics; false when they must exist (and be allowed). */
  abstract boolean createsTopics();

  /**
   * Checks a node id for this layout.
   *
   * @throws IllegalArgumentException when the per-site layout's node id is not a site id
   */
  abstract void checkNodeId(String nodeId);

  private static final class Shared extends TopicLayout {
    private final String mailbox;
    private final String groupPrefix;
    private final List<String> presence;

    Shared(String ns) {
      super(ns);
      this.mailbox = Topics.mailbox(ns);
      this.groupPrefix = ns + "." + Topics.GROUP + ".";
      this.presence = List.of(Topics.presence(ns));
    }

    @Override
    String name() {
      return SHARED;
    }

    @Override
    String mailTo(String destination) {
      return mailbox;
    }

    @Override
    boolean isMail(String topic) {
      return mailbox.equals(topic);
    }

    @Override
    boolean partitionedByNode() {
      return true;
    }

    @Override
    String groupTopic(String group) {
      return Topics.group(ns, group);
    }

    @Override
    String groupOf(String topic) {
      return topic.startsWith(groupPrefix) ? topic.substring(groupPrefix.length()) : null;
    }

    @Override
    List<String> presenceTopics() {
      return presence;
    }

    @Override
    String consumerGroup(String hostId) {
      return ns + ".host." + hostId;
    }

    @Override
    boolean createsTopics() {
      return true;
    }

    @Override
    void checkNodeId(String nodeId) {
    }
  }

  private static final class PerSite extends TopicLayout {
    private static final String MAIL = "mail";
    private static final String BROADCAST = "broadcast";
    private final String sitePrefix;
    private final String projectPrefix;
    private final List<String> presence;

    PerSite(String ns) {
      super(ns);
      this.sitePrefix = ns + "." + Topics.SITE + ".";
      this.projectPrefix = ns + "." + Topics.PROJECT + ".";
      this.presence = List.of(Topics.sites(ns), Topics.projects(ns));
    }

    @Override
    String name() {
      return PER_SITE;
    }

    @Override
    String mailTo(String destination) {
      return sitePrefix + Topics.requireName("site", destination) + "." + MAIL;
    }

    @Override
    boolean isMail(String topic) {
      return topic.startsWith(sitePrefix) && topic.endsWith("." + MAIL)
          && topic.indexOf('.', sitePrefix.length()) == topic.length() - MAIL.length() - 1;
    }

    @Override
    boolean partitionedByNode() {
      return false;
    }

    @Override
    String groupTopic(String group) {
      return projectPrefix + Topics.requireName("project", group) + "." + BROADCAST;
    }

    @Override
    String groupOf(String topic) {
      if (!topic.startsWith(projectPrefix) || !topic.endsWith("." + BROADCAST)) {
        return null;
      }
      String g = topic.substring(projectPrefix.length(), topic.length() - BROADCAST.length() - 1);
      return g.contains(".") ? null : g;
    }

    @Override
    List<String> presenceTopics() {
      return presence;
    }

    @Override
    String consumerGroup(String hostId) {
      return sitePrefix + hostId + ".host";
    }

    @Override
    boolean createsTopics() {
      return false;
    }

    @Override
    void checkNodeId(String nodeId) {
      if (nodeId == null || !nodeId.matches("[a-z0-9][a-z0-9-]*")) {
        throw new IllegalArgumentException("Node id '" + nodeId + "' is not a site id: on a namespace with the "
            + PER_SITE + " topic layout (a secured namespace) a node is a site; use its id (lower-case letters, digits"
            + " and hyphens), as in the site's kit.");
      }
    }
  }
}
