package io.fedstream.projects;

import io.fedstream.avro.CommandReply;
import io.fedstream.avro.Project;
import io.fedstream.avro.ProjectEvent;
import io.fedstream.avro.Run;
import io.fedstream.avro.Site;
import io.fedstream.avro.SiteCommand;
import io.fedstream.avro.SiteReport;
import io.fedstream.avro.SiteStatus;
import io.fedstream.avro.TaskSpec;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The routing server's records on the wire, and their conversion to the layer's own types. */
final class Wire {

  final AvroWire<SiteCommand> commands;
  final AvroWire<CommandReply> replies;
  final AvroWire<Site> sites;
  final AvroWire<Project> projects;
  final AvroWire<Run> runs;
  final AvroWire<ProjectEvent> events;
  final AvroWire<SiteReport> reports;

  Wire(String registryUrl) {
    SchemaRegistryClient r = SchemaRegistryClient.create(registryUrl);
    commands = AvroWire.of(SiteCommand.class, r);
    replies = AvroWire.of(CommandReply.class, r);
    sites = AvroWire.of(Site.class, r);
    projects = AvroWire.of(Project.class, r);
    runs = AvroWire.of(Run.class, r);
    events = AvroWire.of(ProjectEvent.class, r);
    reports = AvroWire.of(SiteReport.class, r);
  }

  static SiteInfo site(Site s) {
    byte[] key = null;
    if (s.getPublicKey() != null) {
      ByteBuffer b = s.getPublicKey().duplicate();
      key = new byte[b.remaining()];
      b.get(key);
    }
    return new SiteInfo(s.getSiteId(), s.getName(), s.getDescription(), s.getStatus() == SiteStatus.CONNECTED,
        s.getState(), Optional.ofNullable(key), Optional.ofNullable(s.getPublicKeyId()), s.getPublicKeyVersion(),
        s.getRegisteredAt(), s.getLastSeenAt());
  }

  static List<TaskDef> tasks(List<TaskSpec> tasks) {
    return tasks.stream().map(t -> new TaskDef(t.getName(), t.getTaskType(), t.getParametersJson())).toList();
  }

  static List<TaskSpec> specs(List<TaskDef> tasks) {
    return tasks.stream().map(t -> new TaskSpec(t.name(), t.type(), t.parametersJson())).toList();
  }

  static ProjectInfo project(Project p) {
    return new ProjectInfo(p.getProjectId(), p.getName(), p.getDescription(), p.getCoordinator(),
        List.copyOf(p.getParticipants()), tasks(p.getTasks()), p.getRunCount(), p.getCreatedAt());
  }

  static RunInfo run(Run r) {
    Map<String, RunStatus> ps = new LinkedHashMap<>();
    r.getParticipantStates().forEach((k, v) -> ps.put(k, RunStatus.valueOf(v.name())));
    return new RunInfo(r.getRunId(), r.getProjectId(), r.getNumber(), r.getCoordinator(),
        RunStatus.valueOf(r.getState().name()), r.getCurrentTask(), tasks(r.getTasks()), Map.copyOf(ps),
        Optional.ofNullable(r.getReason()), Optional.ofNullable(r.getFailedBy()), r.getStartedAt(),
        r.getUpdatedAt());
  }

  static RunEvent event(ProjectEvent e) {
    return new RunEvent(e.getEventId(), e.getType().name(), e.getProjectId(), Optional.ofNullable(e.getRunId()),
        Optional.ofNullable(e.getSite()), Optional.ofNullable(e.getState()).map(s -> RunStatus.valueOf(s.name())),
        Optional.ofNullable(e.getPrevious()).map(s -> RunStatus.valueOf(s.name())), e.getTask(), e.getCause(),
        e.getBy(), Optional.ofNullable(e.getReason()), e.getAt());
  }

  static Report report(SiteReport r) {
    return new Report(r.getSiteId(), r.getProjectId(), r.getRunId(), r.getKind().name(),
        Optional.ofNullable(r.getState()).map(s -> RunStatus.valueOf(s.name())), r.getTask(), r.getProgress(),
        r.getLevel(), r.getMessage(), r.getAt());
  }
}
