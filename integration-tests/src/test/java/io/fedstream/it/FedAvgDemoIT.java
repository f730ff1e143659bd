package io.fedstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fedstream demo} (FedAvg, the default demo) on the carried Fashion-MNIST subset, a few
 * rounds with a straggler: accuracy well above chance, one table row and one JSON row per round,
 * a well-formed chart, and rounds that go on without the straggler.
 */
@ExtendWith(FedStreamExtension.class)
class FedAvgDemoIT {

  private static final Pattern ROW = Pattern.compile(
      "(?m)^\\s+(\\d+)\\s+(\\d+)/(\\d+)\\s+(\\S+)\\s+(0\\.\\d{4})\\s+.*s\\s*$");

  @Test
  void trainsAboveChanceAndGoesOnWithoutAStraggler(Platform platform, @TempDir Path out) throws Exception {
    int rounds = 3;
    Cli.Result r = Cli.fedstream("demo", "--bootstrap", platform.bootstrapServers(), "--registry",
        platform.registryUrl(), "--subset", "--rounds", String.valueOf(rounds), "--clients", "3", "--fraction", "1",
        "--stragglers", "1", "--out", out.toString());
    assertEquals(0, r.exit(), r.toString());
    String text = r.out();
    assertTrue(text.contains("subset carried in the repository"), "names the data it used:\n" + text);

    Matcher m = ROW.matcher(text);
    int rows = 0;
    boolean partial = false;
    double accuracy = 0;
    while (m.find()) {
      rows++;
      assertEquals(rows, Integer.parseInt(m.group(1)), text);
      partial |= !m.group(2).equals(m.group(3));
      accuracy = Double.parseDouble(m.group(5));
    }
    assertEquals(rounds, rows, "one table row per round:\n" + text);
    assertTrue(partial, "a round was released without the straggler:\n" + text);
    assertTrue(text.contains("released without client-"), text);
    assertTrue(accuracy > 0.5, "10 classes: chance is 0.1; final accuracy " + accuracy + "\n" + text);
    assertTrue(!text.contains("\r") && !text.contains("\u001b"), "no control characters when not a terminal");

    JsonNode json = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals(rounds, json.get("rounds").size(), json.toString());
    assertEquals(accuracy, json.get("rounds").get(rounds - 1).get("testAccuracy").asDouble(), 1e-4);
    byte[] png = Files.readAllBytes(out.resolve("chart.png"));
    assertTrue(png.length > 10_000, "chart size " + png.length);
    assertEquals(0x89, png[0] & 0xff);
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    assertTrue(Files.readString(out.resolve("chart.html")).contains("data:image/png;base64,"));
    assertEquals(rounds + 1, Files.readAllLines(out.resolve("metrics.csv")).size());
    assertTrue(text.contains("Chart: " + out.resolve("chart.png")), text);
  }

  @Test
  void clientsRunAsProcessesOfTheirOwn(Platform platform, @TempDir Path out) throws Exception {
    Cli.Result r = Cli.fedstream("demo", "fedavg", "--bootstrap", platform.bootstrapServers(), "--registry",
        platform.registryUrl(), "--subset", "--rounds", "2", "--clients", "2", "--fraction", "1", "--model", "logreg",
        "--distributed", "--out", out.toString());
    assertEquals(0, r.exit(), r.toString());
    Matcher m = ROW.matcher(r.out());
    int rows = 0;
    double accuracy = 0;
    while (m.find()) {
      rows++;
      assertEquals("2", m.group(2), "both client processes answered:\n" + r);
      accuracy = Double.parseDouble(m.group(5));
    }
    assertEquals(2, rows, r.toString());
    assertTrue(accuracy > 0.5, "final accuracy " + accuracy + "\n" + r);
    for (String id : new String[] {"client-1", "client-2"}) {
      assertTrue(Files.isRegularFile(out.resolve(id + ".log")), id + " wrote its log");
    }
  }

  @Test
  void listNamesFedAvgAsTheDefault() throws Exception {
    Cli.Result r = Cli.fedstream("demo", "--list");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("fedavg") && l.endsWith("(the default)")), r.toString());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("messaging")), r.toString());
  }
}
