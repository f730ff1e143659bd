package io.fedstream.examples.fedavg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole job on the carried subset, participants on threads with an in-memory exchange. */
class FedAvgJobTest {

  @Test
  void trainsAboveChanceWritesTheFilesAndRoundsGoOnWithoutStragglers(@TempDir Path dir) throws Exception {
    FedAvgConfig config = new FedAvgConfig(4, 5, 0.6, 1, 32, 0.1, true, 0.5, "mlp", 32, 7, 1,
        new RoundRelease(0.6, 1.5, Duration.ofSeconds(30).toNanos()));
    StringWriter text = new StringWriter();
    FedAvgJob.Result r = new FedAvgJob(config, Plan.BUNDLED, false, dir, new PrintWriter(text), false)
        .run(new LocalExchange());
    String out = text.toString();
    assertEquals(4, r.rows().size(), out);
    assertTrue(r.finalAccuracy() > 0.6, "accuracy " + r.finalAccuracy() + "\n" + out);
    assertTrue(out.contains("released without"), out);
    assertTrue(r.rows().stream().anyMatch(m -> m.answered() < m.sampled()), out);
    assertTrue(!out.contains("\r"), "no carriage returns when not a terminal");
    JsonNode json = new ObjectMapper().readTree(r.json().toFile());
    assertEquals(4, json.get("rounds").size());
    byte[] png = Files.readAllBytes(r.png());
    assertTrue(png.length > 10_000, "png size " + png.length);
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
    assertTrue(Files.readString(r.html()).contains("data:image/png;base64,"));
    assertEquals(5, Files.readAllLines(r.csv()).size());
  }
}
