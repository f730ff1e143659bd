package io.fedstream.router.internal.projects;

import io.fedstream.avro.CommandReply;
import io.fedstream.avro.CommandType;
import io.fedstream.avro.ErrorCode;
import io.fedstream.avro.ErrorInfo;
import io.fedstream.avro.Run;
import io.fedstream.avro.RunState;
import io.fedstream.avro.Site;
import io.fedstream.avro.SiteCommand;
import io.fedstream.avro.SiteStatus;
import io.fedstream.router.internal.Codec;
import io.fedstream.router.internal.DeadLetter;
import io.fedstream.router.internal.projects.RunMachine.Cause;
import io.fedstream.schemas.RoutedRecords;
import io.fedstream.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing server: reads every site's command topic, applies each command once (command ids
 * are remembered per site), replies on the sender's inbox, and on a wall-clock schedule turns
 * silent sites DISCONNECTED and long PENDING_FAILED runs FAILED. Bad input is answered or
 * dead-lettered; nothing stops it.
 */
final class ProjectsProcessor implements Processor<String, byte[], String, Emit> {

  static final String SITES = "projects-sites";
  static final String PROJECTS = "projects-projects";
  static final String RUNS = "projects-runs";
  /** {@code site/commandId} to the reply given: a retried command gets its first outcome. */
  static final String COMMANDS = "projects-commands";
  /** Site id to the wall-clock time of its last heartbeat or command (8 bytes). */
  static final String SEEN = "projects-seen";

  private static final Logger LOG = LoggerFactory.getLogger(ProjectsProcessor.class);

  private final ProjectsSettings settings;
  private final Codec codec;
  private final TopicMaker maker;
  private final String prefix;
  private ProcessorContext<String, Emit> ctx;
  private Tx.Stores stores;
  private KeyValueStore<String, byte[]> commands;
  private KeyValueStore<String, byte[]> seen;
  /** When this task started: a site's silence counts from here at the earliest (a router outage is not the site's). */
  private long startedAt;

  ProjectsProcessor(ProjectsSettings settings, Codec codec, TopicMaker maker) {
    this.settings = settings;
    this.codec = codec;
    this.maker = maker;
    this.prefix = settings.namespace() + "." + Topics.SITE + ".";
  }

  @Override
  public void init(ProcessorContext<String, Emit> context) {
    this.ctx = context;
    this.stores = new Tx.Stores(settings.namespace(), codec, maker, context.getStateStore(SITES),
        context.getStateStore(PROJECTS), context.getStateStore(RUNS));
    this.commands = context.getStateStore(COMMANDS);
    this.seen = context.getStateStore(SEEN);
    this.startedAt = context.currentSystemTimeMs();
    context.schedule(Duration.ofMillis(settings.checkIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
        this::check);
  }

  /** The site whose command topic this is, or null. */
  String siteOf(String topic) {
    String suffix = "." + Topics.SITE_COMMANDS;
    if (topic == null || !topic.startsWith(prefix) || !topic.endsWith(suffix)) {
      return null;
    }
    String site = topic.substring(prefix.length(), topic.length() - suffix.length());
    return Topics.NAME_PART.matcher(site).matches() ? site : null;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata meta = ctx.recordMetadata().orElse(null);
    String topic = meta == null ? null : meta.topic();
    String site = siteOf(topic);
    if (site == null || meta.partition() != 0) {
      deadLetter(record, meta, ErrorCode.REJECTED, site == null ? "not a site command topic"
          : "a site command topic must have one partition; this record is on partition " + meta.partition());
      return;
    }
    SiteCommand c;
    try {
      c = codec.decode(topic, record.value(), SiteCommand.class);
    } catch (RuntimeException e) {
      deadLetter(record, meta, ErrorCode.DECODE, String.valueOf(e.getMessage()));
      return;
    }
    try {
      handle(site, c);
    } catch (RuntimeException e) {
      LOG.warn("Command {} of site {} failed: {}", c.getCommandId(), site, e.toString(), e);
      deadLetter(record, meta, ErrorCode.HANDLER, e.toString());
    }
  }

  private void handle(String site, SiteCommand c) {
    long now = ctx.currentSystemTimeMs();
    if (c.getType() == CommandType.HEARTBEAT) {
      Tx tx = new Tx(stores, ctx, now);
      touch(tx, site);
      tx.commit();
      return;
    }
    String key = site + "/" + c.getCommandId();
    byte[] first = commands.get(key);
    if (first != null) {
      CommandReply was = codec.decode(Topics.siteInbox(settings.namespace(), site), first, CommandReply.class);
      String outcome = was.getAccepted() ? "ACCEPTED" : "REJECTED " + was.getError().getCode();
      reply(new Tx(stores, ctx, now), site, key, CommandReply.newBuilder(was).setAccepted(false)
          .setError(error(ErrorCode.DUPLICATE, "DUPLICATE_COMMAND", "command '" + c.getCommandId()
              + "' was applied before (" + outcome + "); not applied again", Map.of("original", outcome)))
          .setAt(java.time.Instant.ofEpochMilli(now)).build(), false);
      return;
    }
    Tx tx = new Tx(stores, ctx, now);
    CommandReply.Builder reply = CommandReply.newBuilder().setCommandId(c.getCommandId()).setType(c.getType())
        .setProjectId(c.getProjectId()).setRunId(c.getRunId()).setAt(java.time.Instant.ofEpochMilli(now));
    try {
      Commands commands = new Commands(tx, site, c);
      commands.apply();
      if (commands.createdRun != null) {
        reply.setRunId(commands.createdRun);
      }
      touch(tx, site);
      tx.commit();
      reply.setAccepted(true);
    } catch (Reject r) {
      Tx rejected = new Tx(stores, ctx, now);
      touch(rejected, site);
      rejected.commit();
      reply.setAccepted(false).setError(error(r.code, r.rule, r.getMessage(), Map.of()));
    }
    reply(new Tx(stores, ctx, now), site, key, reply.build(), true);
  }

  private void reply(Tx tx, String site, String key, CommandReply reply, boolean remember) {
    byte[] bytes = tx.encodeReply(site, reply);
    if (remember) {
      commands.put(key, bytes);
    }
    tx.emit(Topics.siteInbox(settings.namespace(), site), reply.getCommandId(), bytes);
    tx.commit();
  }

  private static ErrorInfo error(ErrorCode code, String rule, String reason, Map<String, String> more) {
    Map<String, String> details = new java.util.HashMap<>(more);
    details.put("rule", rule);
    return new ErrorInfo(code, reason, details);
  }

  /** The site sent something: it is alive; a DISCONNECTED site becomes CONNECTED again. */
  private void touch(Tx tx, String site) {
    long now = tx.now();
    seen.put(site, ByteBuffer.allocate(8).putLong(now).array());
    Site s = tx.site(site);
    if (s != null && s.getStatus() != SiteStatus.CONNECTED) {
      tx.put(Site.newBuilder(s).setStatus(SiteStatus.CONNECTED).setLastSeenAt(tx.at()).setUpdatedAt(tx.at())
          .build());
    }
  }

  /** The timeouts: silent sites DISCONNECTED (their active runs fail), old PENDING_FAILED runs FAILED. */
  void check(long now) {
    try {
      Tx tx = new Tx(stores, ctx, now);
      List<KeyValue<String, byte[]>> all = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> it = seen.all()) {
        it.forEachRemaining(all::add);
      }
      for (KeyValue<String, byte[]> kv : all) {
        long last = Math.max(ByteBuffer.wrap(kv.value).getLong(), startedAt);
        Site s = tx.site(kv.key);
        if (s != null && s.getStatus() == SiteStatus.CONNECTED && now - last > settings.siteTimeoutMs()) {
          tx.put(Site.newBuilder(s).setStatus(SiteStatus.DISCONNECTED)
              .setLastSeenAt(java.time.Instant.ofEpochMilli(last)).setUpdatedAt(tx.at()).build());
          Runs runs = new Runs(tx, "timeout:" + kv.key + ":" + now, "TIMEOUT", RoutedRecords.ROUTER_SOURCE);
          for (String project : runs.runsOf(null).stream().map(Run::getProjectId).distinct().toList()) {
            runs.memberLost(project, kv.key, "site '" + kv.key + "' disconnected (no heartbeat for "
                + (now - last) + " ms)");
          }
        }
      }
      Runs runs = new Runs(tx, "timeout:" + now, "TIMEOUT", RoutedRecords.ROUTER_SOURCE);
      for (Run r : runs.runsOf(null)) {
        if (r.getState() == RunState.PENDING_FAILED
            && now - r.getUpdatedAt().toEpochMilli() > settings.pendingFailedTimeoutMs()) {
          runs.move(r, Cause.TIMEOUT, null, r.getReason());
        }
      }
      tx.commit();
    } catch (RuntimeException e) {
      LOG.warn("Timeout check failed; it runs again in {} ms: {}", settings.checkIntervalMs(), e.toString(), e);
    }
  }

  private void deadLetter(Record<String, byte[]> record, RecordMetadata meta, ErrorCode code, String reason) {
    LOG.warn("Dead-lettering a command record ({}): {}", code, reason);
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    DeadLetter.headers(headers, code, reason, meta == null ? null : meta.topic(),
        meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(), settings.instanceId());
    ctx.forward(new Record<>(record.key(), new Emit(Topics.deadLetter(settings.namespace()), record.value()),
        record.timestamp(), headers));
  }
}
