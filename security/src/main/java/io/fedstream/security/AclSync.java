package io.fedstream.security;

import io.fedstream.avro.Project;
import io.fedstream.avro.Site;
import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Makes a secured namespace's ACLs follow the routing server's records: reads the compacted
 * {@code {ns}.sites} and {@code {ns}.projects} topics (written by the router) and
 * {@linkplain NamespaceAcls#reconcile reconciles} the ACLs of every site they name with what the
 * current memberships need. A site that joined a project gets the project's ACLs; one that left or
 * was removed loses them. Runs as the operator ({@code fedstream site sync}); the router itself
 * holds no right to change ACLs.
 */
public final class AclSync {

  private final Map<String, Object> clientSettings;
  private final String namespace;
  private final SchemaRegistryClient registry;
  private final Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A sync of one namespace.
   *
   * @param clientSettings Kafka client settings of the operator ({@code bootstrap.servers} and security)
   * @param registryUrl the schema registry's Confluent-compatible URL
   * @param namespace the namespace
   */
  public AclSync(Map<String, Object> clientSettings, String registryUrl, String namespace) {
    this.clientSettings = Map.copyOf(clientSettings);
    this.namespace = Topics.requireName("namespace", namespace);
    this.registry = SchemaRegistryClient.create(registryUrl);
  }

  /** What the records say: the registered sites and each project's members. */
  public record Membership(Set<String> sites, List<NamespaceAcls.Project> projects) {
  }

  /**
   * Reads the current sites and projects (to the end of both topics).
   *
   * @throws RuntimeException if the topics cannot be read within a minute
   */
  public Membership read() {
    Map<String, Site> sites = latest(Topics.sites(namespace), AvroWire.of(Site.class, registry));
    Map<String, Project> projects = latest(Topics.projects(namespace), AvroWire.of(Project.class, registry));
    List<NamespaceAcls.Project> ps = new ArrayList<>();
    for (Project p : projects.values()) {
      Set<String> participants = new TreeSet<>();
      p.getParticipants().forEach(x -> participants.add(x.toString()));
      ps.add(new NamespaceAcls.Project(p.getProjectId().toString(), p.getCoordinator().toString(), participants));
    }
    return new Membership(new TreeSet<>(sites.keySet()), ps);
  }

  /**
   * Reconciles once: creates each project's node broadcast topic ({@link SecuredTopics#broadcast})
   * if it is missing, then makes the ACLs follow the memberships.
   *
   * @param admin an admin client of a super user
   * @return what changed
   * @throws IllegalStateException if a topic cannot be created or the ACLs cannot be changed
   */
  public NamespaceAcls.Change once(Admin admin) {
    Membership m = read();
    createBroadcastTopics(admin, m.projects());
    return NamespaceAcls.reconcile(admin, namespace, m.sites(), NamespaceAcls.desired(namespace, m.sites(), m.projects()));
  }

  private void createBroadcastTopics(Admin admin, List<NamespaceAcls.Project> projects) {
    List<NewTopic> topics = new ArrayList<>();
    for (NamespaceAcls.Project p : projects) {
      String t = SecuredTopics.broadcast(namespace, p.id());
      if (known.add(t)) {
        topics.add(TopicSettings.newTopic(t));
      }
    }
    for (Map.Entry<String, KafkaFuture<Void>> e : admin.createTopics(topics).values().entrySet()) {
      try {
        e.getValue().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          known.remove(e.getKey());
          throw new IllegalStateException("cannot create " + e.getKey() + ": " + ex.getCause(), ex);
        }
      } catch (Exception ex) {
        known.remove(e.getKey());
        throw new IllegalStateException("cannot create " + e.getKey() + ": " + ex, ex);
      }
    }
  }

  private <T extends org.apache.avro.specific.SpecificRecord> Map<String, T> latest(String topic, AvroWire<T> wire) {
    Map<String, Object> p = new HashMap<>(clientSettings);
    Map<String, T> out = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = c.endOffsets(tps, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within a minute");
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            out.remove(r.key());
          } else {
            out.put(r.key(), wire.decode(topic, r.value()));
          }
        }
      }
    }
    return out;
  }
}
