package io.fedstream.router.internal.projects;

import io.fedstream.avro.CommandReply;
import io.fedstream.avro.Project;
import io.fedstream.avro.ProjectEvent;
import io.fedstream.avro.Run;
import io.fedstream.avro.Site;
import io.fedstream.avro.SiteReport;
import io.fedstream.router.internal.Codec;
import io.fedstream.schemas.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The records one command (or one timeout check) changes, held until {@link #commit()}: reads see
 * the pending changes, and a {@link Reject} thrown before the commit leaves every store and topic
 * as it was.
 */
final class Tx {

  private final Stores stores;
  private final ProcessorContext<String, Emit> ctx;
  private final long now;
  private final Map<String, Site> sites = new LinkedHashMap<>();
  private final Map<String, Project> projects = new LinkedHashMap<>();
  private final Map<String, Run> runs = new LinkedHashMap<>();
  private final List<Record<String, Emit>> out = new ArrayList<>();
  private final List<String> topics = new ArrayList<>();

  /** The routing server's stores and where their records go. */
  record Stores(String ns, Codec codec, TopicMaker maker, KeyValueStore<String, byte[]> sites,
      KeyValueStore<String, byte[]> projects, KeyValueStore<String, byte[]> runs) {

    Site site(String id) {
      byte[] b = sites.get(id);
      return b == null ? null : codec.decode(Topics.sites(ns), b, Site.class);
    }

    Project project(String id) {
      byte[] b = projects.get(id);
      return b == null ? null : codec.decode(Topics.projects(ns), b, Project.class);
    }

    Run run(String id) {
      byte[] b = runs.get(id);
      return b == null ? null : codec.decode(Topics.runs(ns), b, Run.class);
    }
  }

  Tx(Stores stores, ProcessorContext<String, Emit> ctx, long now) {
    this.stores = stores;
    this.ctx = ctx;
    this.now = now;
  }

  long now() {
    return now;
  }

  java.time.Instant at() {
    return java.time.Instant.ofEpochMilli(now);
  }

  String ns() {
    return stores.ns();
  }

  Stores stores() {
    return stores;
  }

  Site site(String id) {
    return sites.containsKey(id) ? sites.get(id) : stores.site(id);
  }

  Project project(String id) {
    return projects.containsKey(id) ? projects.get(id) : stores.project(id);
  }

  Run run(String id) {
    return runs.containsKey(id) ? runs.get(id) : stores.run(id);
  }

  void put(Site s) {
    sites.put(s.getSiteId(), s);
  }

  void put(Project p) {
    projects.put(p.getProjectId(), p);
  }

  void put(Run r) {
    runs.put(r.getRunId(), r);
  }

  void event(ProjectEvent e) {
    String topic = Topics.projectEvents(stores.ns(), e.getProjectId());
    emit(topic, e.getRunId() != null ? e.getRunId() : e.getProjectId(), stores.codec().encode(topic, e));
  }

  void status(SiteReport r) {
    String topic = Topics.siteStatus(stores.ns(), r.getSiteId());
    emit(topic, r.getRunId(), stores.codec().encode(topic, r));
  }

  void log(SiteReport r) {
    String topic = Topics.siteLogs(stores.ns(), r.getSiteId());
    emit(topic, r.getRunId(), stores.codec().encode(topic, r));
  }

  /** Encodes a reply for the site's inbox; the caller emits it with {@link #emit}. */
  byte[] encodeReply(String site, CommandReply reply) {
    return stores.codec().encode(Topics.siteInbox(stores.ns(), site), reply);
  }

  void emit(String topic, String key, byte[] value) {
    if (topic.startsWith(stores.ns() + "." + Topics.SITE + ".")
        || topic.startsWith(stores.ns() + "." + Topics.PROJECT + ".")) {
      topics.add(topic);
    }
    out.add(new Record<>(key, new Emit(topic, value), now));
  }

  /** Writes every change: stores first, then the records (topics created when missing). */
  void commit() {
    String ns = stores.ns();
    List<Record<String, Emit>> records = new ArrayList<>();
    sites.values().forEach(s -> {
      byte[] b = stores.codec().encode(Topics.sites(ns), s);
      stores.sites().put(s.getSiteId(), b);
      records.add(new Record<>(s.getSiteId(), new Emit(Topics.sites(ns), b), now));
    });
    projects.values().forEach(p -> {
      byte[] b = stores.codec().encode(Topics.projects(ns), p);
      stores.projects().put(p.getProjectId(), b);
      records.add(new Record<>(p.getProjectId(), new Emit(Topics.projects(ns), b), now));
    });
    runs.values().forEach(r -> {
      byte[] b = stores.codec().encode(Topics.runs(ns), r);
      stores.runs().put(r.getRunId(), b);
      records.add(new Record<>(r.getRunId(), new Emit(Topics.runs(ns), b), now));
    });
    records.forEach(r -> topics.add(r.value().topic()));
    if (!topics.isEmpty()) {
      stores.maker().ensure(topics.stream().distinct().toList());
    }
    records.addAll(out);
    records.forEach(ctx::forward);
  }
}
