package io.fedstream.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The connection's checks and documented codes, without a broker. */
class ConnectionTest {

  @Test
  void aServerNeedsAConfigOrANodeAndPositiveTimeouts() {
    assertEquals(ConnectionException.BAD_ARGUMENTS,
        assertThrows(ConnectionException.class, () -> ConnectionServer.builder().build()).code());
    NodeConfig config = NodeConfig.builder().bootstrapServers("127.0.0.1:1").registryUrl("http://127.0.0.1:1")
        .namespace("unit").nodeId("coordinator").build();
    assertEquals(ConnectionException.BAD_ARGUMENTS, assertThrows(ConnectionException.class,
        () -> ConnectionServer.builder().config(config).runTimeout(Duration.ZERO).build()).code());
  }

  @Test
  void everyCodeIsDocumented() throws Exception {
    String doc = Files.readString(Path.of(System.getProperty("fedstream.docs", "../../docs")).resolve("errors.md"));
    assertTrue(doc.contains("(`ConnectionException`"), "docs/errors.md names ConnectionException");
    for (String code : ConnectionException.CODES) {
      assertTrue(doc.contains("\n### `" + code + "`\n"), "docs/errors.md has a section for " + code);
    }
  }
}
