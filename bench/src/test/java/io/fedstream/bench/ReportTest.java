package io.fedstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void figuresCarryNoUnitsAndScaleTheirDecimals() {
    assertEquals("0.412", Report.num(0.4123));
    assertEquals("12.3", Report.num(12.34));
    assertEquals("23145", Report.num(23145.4));
    assertEquals("nan", Report.num(Double.NaN));
  }

  @Test
  void mediansAreTakenOverRunsAndTheResultLineComesLast() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Report r = new Report(new PrintStream(bytes, true, StandardCharsets.UTF_8), "rr");
    r.run("plain", 1, Map.of("p50_ms", 3.0));
    r.run("plain", 2, Map.of("p50_ms", 1.0));
    r.run("plain", 3, Map.of("p50_ms", 2.0));
    r.beforeResult(() -> r.detail("last detail"));
    assertEquals(2.0, r.median("plain", "p50_ms"));
    r.result("skipped reason=x");
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
    assertEquals("rr plain run=1 p50_ms=3.000", lines[0]);
    assertEquals("rr last detail", lines[3]);
    assertEquals("RESULT rr skipped reason=x", lines[4]);
    assertThrows(BenchException.class, () -> r.result("again"));
    assertThrows(BenchException.class, () -> r.median("spring", "p50_ms"));
  }

  @Test
  void latencyPercentilesUseTheNearestRank() {
    Latencies l = new Latencies(100);
    for (int i = 1; i <= 100; i++) {
      l.record(i * 1_000_000L);
    }
    assertEquals(50.0, l.percentileMs(50));
    assertEquals(99.0, l.percentileMs(99));
    assertEquals(100.0, l.percentileMs(100));
  }

  @Test
  void optionsRejectWhatTheyDoNotKnow() {
    Options o = Options.parse(new String[] {"rr", "--size", "full", "--runs", "3", "--bootstrap", "h:1"});
    assertEquals(Size.FULL, o.size);
    assertEquals(3, o.runs);
    assertEquals("h:1", o.bootstrap);
    assertThrows(BenchException.class, () -> Options.parse(new String[] {"rr", "--size"}));
    assertThrows(BenchException.class, () -> Options.parse(new String[] {"--runs", "x", "rr"}));
  }
}
