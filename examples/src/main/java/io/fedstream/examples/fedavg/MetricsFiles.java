package io.fedstream.examples.fedavg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code metrics.json} ({@code {"run": {...}, "rounds": [{...}, ...]}}, one object per round) and
 * {@code metrics.csv} (a header and one line per round), with the same fields as
 * {@link RoundMetrics}.
 */
public final class MetricsFiles {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MetricsFiles() {
  }

  /**
   * Writes {@code metrics.json}.
   *
   * @param run the run's settings and summary
   * @param rows the rounds
   * @param file where to write
   * @throws IOException if it cannot be written
   */
  public static void writeJson(Map<String, Object> run, List<RoundMetrics> rows, Path file) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run", run);
    List<Map<String, Object>> list = new ArrayList<>();
    for (RoundMetrics m : rows) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("round", m.round());
      r.put("sampled", m.sampled());
      r.put("answered", m.answered());
      r.put("missing", m.missing());
      r.put("trainLoss", Double.isNaN(m.trainLoss()) ? null : m.trainLoss());
      r.put("testLoss", m.testLoss());
      r.put("testAccuracy", m.testAccuracy());
      r.put("bytesSent", m.bytesSent());
      r.put("bytesReceived", m.bytesReceived());
      r.put("roundSeconds", m.roundSeconds());
      r.put("computeSeconds", m.computeSeconds());
      r.put("messagingSeconds", m.messagingSeconds());
      list.add(r);
    }
    doc.put("rounds", list);
    JSON.writeValue(file.toFile(), doc);
  }

  /**
   * Writes {@code metrics.csv}.
   *
   * @param rows the rounds
   * @param file where to write
   * @throws IOException if it cannot be written
   */
  public static void writeCsv(List<RoundMetrics> rows, Path file) throws IOException {
    StringBuilder sb = new StringBuilder("round,sampled,answered,missing,train_loss,test_loss,test_accuracy,"
        + "bytes_sent,bytes_received,round_seconds,compute_seconds,messaging_seconds\n");
    for (RoundMetrics m : rows) {
      sb.append(String.format(Locale.ROOT, "%d,%d,%d,%s,%s,%.6f,%.6f,%d,%d,%.4f,%.4f,%.4f%n", m.round(), m.sampled(),
          m.answered(), String.join(" ", m.missing()),
          Double.isNaN(m.trainLoss()) ? "" : String.format(Locale.ROOT, "%.6f", m.trainLoss()), m.testLoss(),
          m.testAccuracy(), m.bytesSent(), m.bytesReceived(), m.roundSeconds(), m.computeSeconds(),
          m.messagingSeconds()));
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }
}
