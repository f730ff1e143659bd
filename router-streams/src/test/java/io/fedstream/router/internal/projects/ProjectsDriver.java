package io.fedstream.router.internal.projects;

import io.fedstream.avro.CommandReply;
import io.fedstream.avro.CommandType;
import io.fedstream.avro.Project;
import io.fedstream.avro.ProjectEvent;
import io.fedstream.avro.Run;
import io.fedstream.avro.Site;
import io.fedstream.avro.SiteCommand;
import io.fedstream.avro.SiteReport;
import io.fedstream.avro.TaskSpec;
import io.fedstream.router.RouterConfig;
import io.fedstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The routing server alone in a TopologyTestDriver, with a registry-free codec. */
final class ProjectsDriver implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final String ns = "p" + UUID.randomUUID().toString().substring(0, 8);
  final PlainCodec codec = new PlainCodec();
  final TopologyTestDriver driver;
  private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
  private final Map<String, TestOutputTopic<String, byte[]>> outputs = new HashMap<>();
  /** Latest record per key of sites, projects and runs, as read so far. */
  final Map<String, Site> sites = new LinkedHashMap<>();
  final Map<String, Project> projects = new LinkedHashMap<>();
  final Map<String, Run> runs = new LinkedHashMap<>();
  int adminWrites;

  ProjectsDriver(Path stateDir, Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>(Map.of(RouterConfig.BOOTSTRAP_SERVERS, "unused:9092",
        RouterConfig.REGISTRY_URL, "http://unused", RouterConfig.NAMESPACE, ns,
        RouterConfig.STATE_DIR, stateDir.toString(), RouterConfig.STATE_STORE, "in-memory",
        ProjectsSettings.CHECK_INTERVAL_MS, "100", ProjectsSettings.SITE_TIMEOUT_MS, "60000",
        ProjectsSettings.PENDING_FAILED_TIMEOUT_MS, "30000"));
    props.putAll(extra);
    RouterConfig config = RouterConfig.of(props);
    StreamsBuilder b = new StreamsBuilder();
    ProjectsTopology.add(b, config, codec, TopicMaker.none());
    driver = new TopologyTestDriver(b.build(), config.streamsProperties(), T0);
  }

  static SiteCommand.Builder cmd(CommandType type) {
    return SiteCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setType(type)
        .setSentAt(T0);
  }

  static TaskSpec task(String name, String json) {
    return new TaskSpec(name, "train", json);
  }

  /** Sends a command as a site and returns the router's reply. */
  CommandReply send(String site, SiteCommand c) {
    sendRaw(site, codec.encode("x", c));
    List<CommandReply> r = replies(site);
    if (r.isEmpty()) {
      throw new AssertionError("no reply to " + c.getType());
    }
    return r.get(r.size() - 1);
  }

  CommandReply send(String site, SiteCommand.Builder c) {
    return send(site, c.build());
  }

  void sendRaw(String site, byte[] value) {
    String t = Topics.siteCommands(ns, site);
    inputs.computeIfAbsent(t, x -> driver.createInputTopic(x, new StringSerializer(),
        new ByteArraySerializer())).pipeInput("k", value);
    readAdmin();
  }

  private TestOutputTopic<String, byte[]> out(String topic) {
    return outputs.computeIfAbsent(topic, t -> driver.createOutputTopic(t, new StringDeserializer(),
        new ByteArrayDeserializer()));
  }

  List<CommandReply> replies(String site) {
    return read(Topics.siteInbox(ns, site), CommandReply.class);
  }

  List<ProjectEvent> events(String project) {
    return read(Topics.projectEvents(ns, project), ProjectEvent.class);
  }

  List<SiteReport> status(String site) {
    return read(Topics.siteStatus(ns, site), SiteReport.class);
  }

  List<SiteReport> logs(String site) {
    return read(Topics.siteLogs(ns, site), SiteReport.class);
  }

  int dlq() {
    return out(Topics.deadLetter(ns)).readValuesToList().size();
  }

  <T extends org.apache.avro.specific.SpecificRecord> List<T> read(String topic, Class<T> type) {
    List<T> l = new ArrayList<>();
    out(topic).readValuesToList().forEach(v -> l.add(codec.decode(topic, v, type)));
    return l;
  }

  /** Reads the compacted topics; counts records written (a rejected command writes none). */
  void readAdmin() {
    read(Topics.sites(ns), Site.class).forEach(s -> {
      sites.put(s.getSiteId(), s);
      adminWrites++;
    });
    read(Topics.projects(ns), Project.class).forEach(p -> {
      projects.put(p.getProjectId(), p);
      adminWrites++;
    });
    read(Topics.runs(ns), Run.class).forEach(r -> {
      runs.put(r.getRunId(), r);
      adminWrites++;
    });
  }

  void advance(Duration d) {
    driver.advanceWallClockTime(d);
    readAdmin();
  }

  @Override
  public void close() {
    driver.close();
  }
}
