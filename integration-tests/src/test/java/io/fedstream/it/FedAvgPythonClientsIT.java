package io.fedstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * {@code fedstream demo --python-clients 2}: two of three FedAvg clients are Python processes
 * (numpy) beside one Java client, every client sampled every round: each round gathers all three
 * updates, and the global model learns as with Java clients only.
 */
@ExtendWith(FedStreamExtension.class)
class FedAvgPythonClientsIT {

  private static final Pattern ROW = Pattern.compile(
      "(?m)^\\s+(\\d+)\\s+(\\d+)/(\\d+)\\s+(\\S+)\\s+(0\\.\\d{4})\\s+.*s\\s*$");

  @Test
  void pythonAndJavaClientsTrainOneModel(Platform platform, @TempDir Path out) throws Exception {
    assumeTrue(PythonNodeIT.pythonReady() || System.getenv("CI") != null,
        "Debian's python3 with python3-confluent-kafka and python3-numpy is not installed; skipping outside CI");
    int rounds = 3;
    Cli.Result r = Cli.fedstream("demo", "--bootstrap", platform.bootstrapServers(), "--registry",
        platform.registryUrl(), "--subset", "--rounds", String.valueOf(rounds), "--clients", "3", "--fraction", "1",
        "--python-clients", "2", "--out", out.toString());
    assertEquals(0, r.exit(), () -> r + "\nclient-2.log:\n" + log(out, "client-2") + "\nclient-3.log:\n"
        + log(out, "client-3"));
    String text = r.out();
    assertTrue(text.contains("Started 2 Python client processes (client-2, client-3"), text);
    Matcher m = ROW.matcher(text);
    int rows = 0;
    double accuracy = 0;
    while (m.find()) {
      rows++;
      assertEquals("3", m.group(2), "every round gathers the Java and both Python updates:\n" + text);
      accuracy = Double.parseDouble(m.group(5));
    }
    assertEquals(rounds, rows, text);
    assertTrue(accuracy > 0.5, "10 classes: chance is 0.1; final accuracy " + accuracy + "\n" + text);
    for (String id : new String[] {"client-2", "client-3"}) {
      String log = log(out, id);
      assertTrue(log.contains("python client " + id + " answered " + rounds + " rounds"), id + ":\n" + log);
    }
  }

  private static String log(Path out, String id) {
    try {
      return Files.readString(out.resolve(id + ".log"));
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
