package io.fedstream.router;

import io.fedstream.protocol.RouterContract;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Value;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two router instances of one namespace share the tasks, and every event is routed once. */
@ExtendWith(FedStreamExtension.class)
class ScaleOutIT {

  @Test
  void twoInstancesShareTheWork(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    try (ItClients c = new ItClients(platform, ns)) {
      c.createEventTopic("trainer");
      RouterConfig one = RouterConfig.of(c.routerSettings(dir.resolve("one"), "one"));
      RouterConfig two = RouterConfig.of(c.routerSettings(dir.resolve("two"), "two"));
      try (Router a = Router.start(one); Router b = Router.start(two)) {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < end
            && !(a.state().isRunningOrRebalancing() && b.state().isRunningOrRebalancing()
                 && a.activeTasks() > 0 && b.activeTasks() > 0
                 && a.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                 && b.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING)) {
          Thread.onSpinWait();
          a.awaitRunning(Duration.ofMillis(200));
        }
        System.out.printf("scale-out IT: instance one has %d active tasks, two has %d%n",
            a.activeTasks(), b.activeTasks());
        assertTrue(a.activeTasks() > 0 && b.activeTasks() > 0, "both instances hold tasks");

        int channels = 12;
        for (int i = 0; i < channels; i++) {
          c.subscribe(RouterContract.subscription("node-" + i, "trainer", "ch-" + i)
              .setConditions(Map.of("round__ge", new Value(0L))).build());
        }
        String mailbox = Topics.mailbox(ns);
        KafkaConsumer<String, byte[]> reader = c.reader(mailbox);
        List<Envelope> got = new ArrayList<>();
        // subscriptions are active once an event on each channel is delivered; emit rounds until
        // every channel has delivered, then check that round 0..n of each arrives exactly once.
        List<String> emitted = new ArrayList<>();
        long round = 0;
        end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end
            && got.stream().map(Envelope::getDestination).distinct().count() < channels) {
          for (int i = 0; i < channels; i++) {
            emitted.add(c.emit("trainer", "t" + i + "/trainer", "ch-" + i,
                Map.of("round", new Value(round))).getMessageId());
          }
          round++;
          c.readEnvelopes(reader, mailbox, Duration.ofMillis(500), l -> false, got);
        }
        int warmup = got.size();
        List<String> last = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
          last.add(c.emit("trainer", "t" + i + "/trainer", "ch-" + i, Map.of("round", new Value(round)))
              .getMessageId());
        }
        c.readEnvelopes(reader, mailbox, Duration.ofSeconds(60),
            l -> l.stream().map(Envelope::getMessageId).toList().containsAll(last), got);
        c.readEnvelopes(reader, mailbox, Duration.ofSeconds(2), l -> false, got);
        assertTrue(got.stream().map(Envelope::getMessageId).toList().containsAll(last));
        assertEquals(got.size(), got.stream().map(Envelope::getMessageId).distinct().count(),
            "no event routed twice");
        assertTrue(warmup > 0);
        for (Envelope e : got) {
          assertEquals("node-" + e.getTag().substring(3), e.getDestination());
        }
      }
    }
  }
}
