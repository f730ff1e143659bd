package io.fedstream.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ErrorCodesTest {

  private static final Pattern ROW = Pattern.compile("^\\| `([A-Z_]+)` \\| ([^|]*) \\| ([^|]*) \\|");

  @Test
  void everyCodeIsDocumentedWithMeaningAndRemedy() throws IOException {
    Path doc = Path.of(System.getProperty("fedstream.docs", "../docs")).resolve("errors.md");
    Map<String, String[]> rows = new HashMap<>();
    for (String line : Files.readAllLines(doc)) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        rows.put(m.group(1), new String[] {m.group(2).trim(), m.group(3).trim()});
      }
    }
    List<String> codes = new ArrayList<>();
    for (ErrorCode c : ErrorCode.values()) {
      codes.add(c.name());
    }
    codes.addAll(PlatformException.CODES);
    for (String code : codes) {
      String[] row = rows.get(code);
      assertTrue(row != null, "docs/errors.md has no row for " + code);
      assertTrue(!row[0].isEmpty() && !row[1].isEmpty(), "docs/errors.md row for " + code + " lacks help text");
    }
  }

  @Test
  void portInUseNamesThePort() throws IOException {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      PlatformException e = org.junit.jupiter.api.Assertions.assertThrows(PlatformException.class,
          () -> Ports.resolve(taken.getLocalPort(), "schema registry"));
      assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
      assertTrue(e.code().equals(PlatformException.PORT_IN_USE));
    }
    assertTrue(Ports.resolve(0, "x") > 0);
  }
}
