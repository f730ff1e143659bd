package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * R1 of the fault suite, without a state directory ({@link RestartIT} has one): a node killed
 * with {@code kill -9} mid-stream loses nothing, and handles again what it had handled since its
 * last commit (at least once), since nothing remembers the ids it handled. The docs promise
 * exactly that (docs/reliability.md); the test counts both.
 */
@ExtendWith(FedStreamExtension.class)
class RestartWithoutStateIT {

  private static List<String> lines(Path f) throws Exception {
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
  }

  @Test
  void aKilledNodeWithoutStateLosesNothingAndRepeatsOnlyWhatFollowedItsLastCommit(Platform platform,
      @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    Path out = dir.resolve("handled.txt");
    // no state directory; commits every second, so about a second of handling is repeated
    String[] args = {"record", platform.bootstrapServers(), platform.registryUrl(), ns, "worker", "",
        out.toString(), "1000"};
    Process first = ChildNode.spawn("256m", args);
    List<String> sent = new ArrayList<>();
    int before;
    try (Node sender = Nodes.start(platform, ns, "sender")) {
      ChildNode.await(first, new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8)),
          "READY");
      List<Message> batch = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        batch.add(Message.builder().tag("work").to("worker").arg("i", i).build());
      }
      Flux.fromIterable(batch).concatMap(sender::send).blockLast(Nodes.WAIT);
      batch.forEach(m -> sent.add(m.id()));
      long end = System.nanoTime() + Nodes.WAIT.toNanos();
      while (lines(out).size() < 150 && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      first.destroyForcibly().waitFor();
      before = lines(out).size();
      assertTrue(before >= 150, "handled before the kill: " + before);

      List<Message> whileDown = new ArrayList<>();
      for (int i = 300; i < 350; i++) {
        whileDown.add(Message.builder().tag("work").to("worker").arg("i", i).build());
      }
      Flux.fromIterable(whileDown).concatMap(sender::send).blockLast(Nodes.WAIT);
      whileDown.forEach(m -> sent.add(m.id()));

      Process second = ChildNode.spawn("256m", args);
      try {
        ChildNode.await(second, new BufferedReader(new InputStreamReader(second.getInputStream(),
            StandardCharsets.UTF_8)), "READY");
        end = System.nanoTime() + Nodes.WAIT.toNanos();
        while (!new HashSet<>(lines(out)).containsAll(sent) && System.nanoTime() < end) {
          Thread.sleep(50);
        }
      } finally {
        second.getOutputStream().close();
        if (!second.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          second.destroyForcibly().waitFor();
        }
      }
    }
    List<String> handled = lines(out);
    Set<String> lost = new HashSet<>(sent);
    lost.removeAll(handled);
    Map<String, Integer> counts = new HashMap<>();
    handled.forEach(id -> counts.merge(id, 1, Integer::sum));
    long twice = counts.values().stream().filter(c -> c > 1).count();
    System.out.printf("kill -9 without a state directory: %d sent, %d handled before the kill, %d lost,"
        + " %d handled twice%n", sent.size(), before, lost.size(), twice);
    assertEquals(Set.of(), lost, "nothing is lost");
    assertTrue(counts.values().stream().allMatch(c -> c <= 2), "a message is handled at most once per process");
    assertTrue(twice <= before, "only what the first process handled can be handled again");
  }
}
