package io.fedstream.router.internal.projects;

import io.fedstream.router.RouterConfig;
import io.fedstream.router.internal.Codec;
import io.fedstream.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The routing server's part of the router topology (FriendlyFL's sites, projects and runs): one
 * sub-topology reading every {@code <ns>.site.<id>.commands} topic by pattern into {@link
 * ProjectsProcessor}, which writes {@code <ns>.sites}, {@code <ns>.projects}, {@code <ns>.runs},
 * each site's inbox, status and log topics, each project's broadcast topic and the dead-letter
 * topic. Every command topic has one partition, so one task holds all of the routing server's
 * state. {@code docs/projects.md} describes it.
 */
public final class ProjectsTopology {

  private ProjectsTopology() {
  }

  /** The pattern of the command topics of a namespace. */
  public static Pattern commandTopics(String namespace) {
    return Pattern.compile(Pattern.quote(namespace + "." + Topics.SITE + ".") + "[a-z0-9][a-z0-9-]*"
        + Pattern.quote("." + Topics.SITE_COMMANDS));
  }

  /**
   * Adds the routing server to a topology under construction; the hook TopologyFactory calls.
   * Topics the router writes are created on first use with an admin client made from the config.
   */
  public static void add(StreamsBuilder b, RouterConfig config, Codec codec) {
    Properties streams = config.streamsProperties();
    Properties admin = new Properties();
    streams.forEach((k, v) -> {
      String key = k.toString();
      if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
        admin.put(key, v);
      }
    });
    admin.put("bootstrap.servers", streams.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    add(b, config, codec, TopicMaker.admin(admin));
  }

  /** As {@link #add(StreamsBuilder, RouterConfig, Codec)}, with the given topic maker. */
  static void add(StreamsBuilder b, RouterConfig config, Codec codec, TopicMaker maker) {
    ProjectsSettings s = ProjectsSettings.of(config);
    for (String store : List.of(ProjectsProcessor.SITES, ProjectsProcessor.PROJECTS, ProjectsProcessor.RUNS,
        ProjectsProcessor.COMMANDS, ProjectsProcessor.SEEN)) {
      b.addStateStore(Stores.keyValueStoreBuilder(config.inMemoryStores()
          ? Stores.inMemoryKeyValueStore(store) : Stores.persistentKeyValueStore(store),
          Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(Map.of()));
    }
    TopicNameExtractor<String, Emit> topic = (k, v, ctx) -> v.topic();
    b.stream(commandTopics(s.namespace()), Consumed.with(Serdes.String(), Serdes.ByteArray())
            .withName("site-commands-source"))
        .process(() -> new ProjectsProcessor(s, codec, maker), Named.as("projects-router"),
            ProjectsProcessor.SITES, ProjectsProcessor.PROJECTS, ProjectsProcessor.RUNS,
            ProjectsProcessor.COMMANDS, ProjectsProcessor.SEEN)
        .to(topic, Produced.with(Serdes.String(), Emit.serde()).withName("projects-sink"));
  }
}
