package io.fedstream.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.NodeException;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each proxy primitive with MARO's meaning, on a real broker and router. */
@ExtendWith(FedStreamExtension.class)
class ProxyPrimitivesIT {

  @TempDir
  static Path dir;
  static RouterFixture f;

  @BeforeAll
  static void up(Platform platform) throws Exception {
    f = new RouterFixture(platform, dir, Map.of());
  }

  @AfterAll
  static void down() {
    if (f != null) {
      f.close();
    }
  }

  /** A worker that replies to every TASK with {@code {by, echo}}, and records what it received. */
  static BlockingQueue<Message> echo(Proxy worker) {
    BlockingQueue<Message> got = new LinkedBlockingQueue<>();
    Thread t = new Thread(() -> {
      for (Message m : worker.receive()) {
        got.add(m);
        if (m.sessionType() == SessionType.TASK) {
          worker.reply(m, "echo", Map.of("by", worker.name(), "echo", String.valueOf(m.payload())));
        }
      }
    }, "echo-" + worker.name());
    t.setDaemon(true);
    t.start();
    return got;
  }

  @Test
  void joiningWaitsForTheExpectedPeersAndShowsThemByType(Platform platform) throws Exception {
    List<Proxy> farm = f.farm("join", "join-w", 2);
    Proxy master = farm.get(0);
    assertEquals(List.of("join-w1", "join-w2"), master.peers("worker"));
    assertEquals(Map.of("worker", List.of("join-w1", "join-w2")), master.peers());
    assertEquals(List.of("master-join"), farm.get(1).peers("master"));

    BlockingQueue<PeerEvent> events = new LinkedBlockingQueue<>();
    var sub = master.peerEvents().subscribe(events::add);
    Proxy late = f.proxy("join", "worker", "join-w3").join();
    PeerEvent joined = events.poll(30, TimeUnit.SECONDS);
    assertEquals(new PeerEvent(PeerEvent.Type.JOINED, "join-w3", "worker", joined.at()), joined);
    late.close();
    PeerEvent left;
    do {
      left = events.poll(30, TimeUnit.SECONDS);
    } while (left != null && left.type() != PeerEvent.Type.LEFT);
    assertEquals("join-w3", left.peer());
    sub.dispose();

    // the seed's sys.exit, as a coded error within the join deadline
    NodeException timeout = assertThrows(NodeException.class, () -> f.proxy("join-alone", "worker", "lonely")
        .expectedPeers(Map.of("master", 1)).joinDeadline(Duration.ofSeconds(2)).join());
    assertEquals(ErrorCode.TIMEOUT, timeout.errorCode());
    // an unknown peer: NOT_FOUND, nothing sent
    NodeException unknown = assertThrows(NodeException.class,
        () -> master.send(new SessionMessage("x", null, "nobody", null)));
    assertEquals(ErrorCode.NOT_FOUND, unknown.errorCode());
  }

  @Test
  void sendBlocksForTheReplyAndTracksTheStages() throws Exception {
    List<Proxy> farm = f.farm("send", "send-w", 1);
    Proxy master = farm.get(0);
    BlockingQueue<Message> got = echo(farm.get(1));
    SessionMessage task = new SessionMessage("sum", null, "send-w1", List.of(1, 2, 3));
    List<Message> replies = master.send(task);
    assertEquals(1, replies.size());
    assertEquals(Map.of("by", "send-w1", "echo", "[1, 2, 3]"), replies.get(0).payload());
    assertEquals(task.sessionId(), replies.get(0).sessionId());
    assertEquals("REQUEST > WORKING > RESULT", master.session(task.sessionId()).orElseThrow().path());
    assertEquals("REQUEST > WORKING > RESULT", farm.get(1).session(task.sessionId()).orElseThrow().path());

    Message note = new Message("check_out", null, "send-w1", "");
    assertEquals(List.of(), master.send(note));
    assertEquals("SENT", master.session(note.sessionId()).orElseThrow().path());
    Message received = got.poll(30, TimeUnit.SECONDS);
    while (received != null && !received.tag().equals("check_out")) {
      received = got.poll(30, TimeUnit.SECONDS);
    }
    assertEquals(note.messageId(), received.messageId());
    assertEquals(SessionType.NOTIFICATION, received.sessionType());
    assertEquals("RECEIVED", farm.get(1).session(note.sessionId()).orElseThrow().path());
  }

  @Test
  void isendReturnsSessionIdsAndReceiveByIdTakesSeveral() throws Exception {
    List<Proxy> farm = f.farm("isend", "isend-w", 2);
    Proxy master = farm.get(0);
    echo(farm.get(1));
    echo(farm.get(2));
    List<String> a = master.isend(new SessionMessage("job", null, "isend-w1", "a"));
    List<String> b = master.isend(new SessionMessage("job", null, "isend-w2", "b"));
    assertEquals(1, a.size());
    List<Message> replies = master.receiveById(a.get(0), b.get(0));
    assertEquals(Set.of(a.get(0), b.get(0)), new TreeSet<>(replies.stream().map(Message::sessionId).toList()));
    assertEquals(Set.of("a", "b"), new TreeSet<>(replies.stream().map(m -> ((Map<?, ?>) m.payload()).get("echo"))
        .map(String::valueOf).toList()));
  }

  @Test
  void scatterGathersOneReplyPerDestinationAndIscatterReturnsTheSessions() throws Exception {
    List<Proxy> farm = f.farm("scatter", "scatter-w", 3);
    Proxy master = farm.get(0);
    farm.subList(1, 4).forEach(ProxyPrimitivesIT::echo);
    List<Map.Entry<String, ?>> parts = List.of(Map.entry("scatter-w1", 1), Map.entry("scatter-w2", 2),
        Map.entry("scatter-w3", 3));
    List<Message> replies = master.scatter("part", SessionType.TASK, parts);
    assertEquals(Set.of("scatter-w1", "scatter-w2", "scatter-w3"), new TreeSet<>(replies.stream()
        .map(Message::source).toList()));
    List<String> sessions = master.iscatter("part", SessionType.TASK, parts);
    assertEquals(3, sessions.size());
    assertEquals(3, master.receiveById(sessions.toArray(String[]::new)).size());
    assertEquals(List.of(), master.scatter("hello", SessionType.NOTIFICATION, parts));
  }

  @Test
  void broadcastWritesOnceAndGathersEveryPeersReply() throws Exception {
    List<Proxy> farm = f.farm("bcast", "bcast-w", 3);
    Proxy master = farm.get(0);
    farm.subList(1, 4).forEach(ProxyPrimitivesIT::echo);
    String topic = f.ns + ".group.bcast-worker";
    long before = records(topic);
    List<Message> replies = master.broadcast("worker", "rollout", SessionType.TASK, "go");
    assertEquals(Set.of("bcast-w1", "bcast-w2", "bcast-w3"), new TreeSet<>(replies.stream().map(Message::source)
        .toList()));
    assertEquals(before + 1, records(topic), "one record for every peer");
    List<String> session = master.ibroadcast("worker", "rollout", SessionType.TASK, "again");
    assertEquals(1, session.size());
    assertEquals(3, master.receiveById(session.get(0)).size(), "one reply per peer alive at the call");
  }

  static long records(String topic) {
    return recordsIn(f, topic);
  }

  /** The records a topic holds (end offsets summed over its partitions). */
  static long recordsIn(RouterFixture f, String topic) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers",
        f.platform.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  @Test
  void receiveIsABlockingIterationAndAFlux() throws Exception {
    List<Proxy> farm = f.farm("recv", "recv-w", 1);
    Proxy master = farm.get(0);
    Proxy worker = farm.get(1);
    master.send(new Message("n", null, "recv-w1", 1));
    master.send(new Message("n", null, "recv-w1", 2));
    var it = worker.receive().iterator();
    assertTrue(it.hasNext());
    assertEquals(1L, it.next().payload());
    assertEquals(2L, it.next().payload());
    master.send(new Message("n", null, "recv-w1", 3));
    Message viaFlux = worker.receiveFlux().blockFirst(Duration.ofSeconds(30));
    assertEquals(3L, viaFlux.payload());
  }
}
