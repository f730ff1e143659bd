package io.fedstream.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterMainTest {

  static String run(int expected, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = RouterMain.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(expected, status);
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutConfigItPrintsUsage() {
    assertTrue(run(2).contains("usage: RouterMain --config"));
    assertTrue(run(2, "--verbose").contains("unknown argument '--verbose'"));
  }

  @Test
  void aConfigWithAnUnknownKeyIsRefusedByName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("router.properties");
    Files.writeString(file, "bootstrap.servers=127.0.0.1:1\nfedstream.registry.url=http://127.0.0.1:1\n"
        + "fedstream.namespace=ns\nstate.dir=" + dir + "\nfedstream.namspace=typo\n");
    assertTrue(run(2, "--config", file.toString()).contains("fedstream.namspace"));
    assertTrue(run(2, "--config", dir.resolve("missing.properties").toString()).contains("cannot read"));
  }
}
