package io.fedstream.node.internal;

import io.fedstream.avro.CommandType;
import io.fedstream.avro.Heartbeat;
import io.fedstream.avro.PresenceStatus;
import io.fedstream.avro.Project;
import io.fedstream.avro.Site;
import io.fedstream.avro.SiteCommand;
import io.fedstream.avro.SiteStatus;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Presence in the per-site layout ({@link TopicLayout#perSite}), within what a site's ACLs allow:
 * no shared presence topic (any site could write any node's heartbeat there). A node announces
 * itself with a {@code HEARTBEAT} command on its own {@code {ns}.site.{id}.commands} topic, which
 * only it may write; the router keeps the site's {@code Site} record {@code CONNECTED} while
 * commands arrive. Every site reads the router's {@code {ns}.sites} and {@code {ns}.projects}
 * records: a site is alive while its record says {@code CONNECTED}, and its groups are the
 * projects it coordinates or participates in. The host's {@link PresenceTable} is fed from these
 * records, so {@code members}, {@code awaitMembers} and broadcast gathers work as in the shared
 * layout. Records on the poll thread only.
 */
final class SitePresence {

  private final String ns;
  private final String sitesTopic;
  private final String projectsTopic;
  private final AvroWire<Site> sites;
  private final AvroWire<Project> projects;
  private final AvroWire<SiteCommand> commands;
  private final Map<String, Boolean> connected = new HashMap<>();
  private final Map<String, Set<String>> members = new HashMap<>();

  SitePresence(String ns, SchemaRegistryClient registry) {
    this.ns = ns;
    this.sitesTopic = Topics.sites(ns);
    this.projectsTopic = Topics.projects(ns);
    this.sites = AvroWire.of(Site.class, registry);
    this.projects = AvroWire.of(Project.class, registry);
    this.commands = AvroWire.of(SiteCommand.class, registry);
  }

  /**
   * Takes a record of {@code {ns}.sites} or {@code {ns}.projects} and updates the table.
   *
   * @throws io.fedstream.schemas.wire.WireFormatException when the value does not decode
   * @throws io.fedstream.schemas.wire.SchemaRegistryException when the registry is unreachable
   */
  void onRecord(String topic, String key, byte[] value, PresenceTable table, long nowMs) {
    if (key == null) {
      return;
    }
    Set<String> touched = new LinkedHashSet<>();
    if (topic.equals(sitesTopic)) {
      if (value == null) {
        connected.remove(key);
      } else {
        connected.put(key, sites.decode(topic, value).getStatus() == SiteStatus.CONNECTED);
      }
      touched.add(key);
    } else if (topic.equals(projectsTopic)) {
      Set<String> now = new LinkedHashSet<>();
      if (value != null) {
        Project p = projects.decode(topic, value);
        now.add(p.getCoordinator().toString());
        p.getParticipants().forEach(s -> now.add(s.toString()));
      }
      Set<String> was = now.isEmpty() ? members.remove(key) : members.put(key, now);
      if (was != null) {
        touched.addAll(was);
      }
      touched.addAll(now);
    } else {
      return;
    }
    for (String site : touched) {
      announce(site, table, nowMs);
    }
  }

  private void announce(String site, PresenceTable table, long nowMs) {
    Boolean up = connected.get(site);
    if (up == null) {
      table.onHeartbeat(site, null, nowMs);
      return;
    }
    List<String> groups = new ArrayList<>();
    members.forEach((project, ms) -> {
      if (ms.contains(site)) {
        groups.add(project);
      }
    });
    java.util.Collections.sort(groups);
    Instant at = Instant.ofEpochMilli(nowMs);
    table.onHeartbeat(site, Heartbeat.newBuilder().setNodeId(site).setGroups(groups).setStartedAt(at).setSentAt(at)
        .setIntervalMs(0).setTimeoutMs(Integer.MAX_VALUE)
        .setStatus(up ? PresenceStatus.ALIVE : PresenceStatus.LEAVING).build(), nowMs);
  }

  /** Registers the command schema for the node's commands topic (before the first heartbeat). */
  void register(String siteId) {
    commands.schemaId(Topics.siteCommands(ns, siteId));
  }

  /** A {@code HEARTBEAT} command of the site, for its own commands topic. */
  ProducerRecord<String, byte[]> heartbeat(String siteId) {
    String topic = Topics.siteCommands(ns, siteId);
    String id = "heartbeat-" + UUID.randomUUID();
    SiteCommand c = SiteCommand.newBuilder().setCommandId(id).setType(CommandType.HEARTBEAT)
        .setSentAt(Instant.now()).build();
    return new ProducerRecord<>(topic, id, commands.encode(topic, c, 64));
  }
}
