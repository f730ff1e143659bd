package io.fedstream.examples.fedavg;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The run's chart: test accuracy and train loss per round (with the centralised reference when
 * there is one) above the round time split into compute and messaging, as a PNG (XChart) and as a
 * self-contained HTML page holding the same picture and the numbers behind it.
 */
public final class Charts {

  static final int WIDTH = 900;
  static final int TOP = 420;
  static final int BOTTOM = 300;

  static {
    // No display is needed to draw a chart; without this a server without X11 fails.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Charts() {
  }

  /**
   * Writes the PNG.
   *
   * @param rows the rounds
   * @param centralized the centralised reference's test accuracy, or NaN
   * @param title the chart's title
   * @param file where to write
   * @throws IOException if the file cannot be written
   */
  public static void writePng(List<RoundMetrics> rows, double centralized, String title, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(png(rows, centralized, title));
    }
  }

  /**
   * Writes the HTML page: the chart inlined as a data URI, the run's settings and a table of
   * every round. Needs no network and no script.
   *
   * @param rows the rounds
   * @param centralized the centralised reference's test accuracy, or NaN
   * @param title the page's title
   * @param run the run's settings and summary, shown as a list
   * @param file where to write
   * @throws IOException if the file cannot be written
   */
  public static void writeHtml(List<RoundMetrics> rows, double centralized, String title, Map<String, Object> run,
      Path file) throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
        .append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}"
            + "dt{font-weight:bold;float:left;clear:left;width:14em}dd{margin-left:15em}</style></head><body>\n");
    h.append("<h1>").append(escape(title)).append("</h1>\n");
    h.append("<img alt=\"accuracy, loss and round time per round\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png(rows, centralized, title))).append("\">\n<dl>\n");
    for (Map.Entry<String, Object> e : run.entrySet()) {
      h.append("<dt>").append(escape(e.getKey())).append("</dt><dd>").append(escape(String.valueOf(e.getValue())))
          .append("</dd>\n");
    }
    h.append("</dl>\n<table>\n<tr><th>round</th><th>answered</th><th>train loss</th><th>test loss</th>"
        + "<th>test accuracy</th><th>bytes sent</th><th>bytes received</th><th>round s</th><th>compute s</th>"
        + "<th>messaging s</th><th>missing</th></tr>\n");
    for (RoundMetrics m : rows) {
      h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d/%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
          + "<td>%d</td><td>%d</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%s</td></tr>%n", m.round(), m.answered(),
          m.sampled(), m.trainLoss(), m.testLoss(), m.testAccuracy(), m.bytesSent(), m.bytesReceived(),
          m.roundSeconds(), m.computeSeconds(), m.messagingSeconds(), escape(String.join(" ", m.missing()))));
    }
    h.append("</table>\n</body></html>\n");
    Files.writeString(file, h.toString(), StandardCharsets.UTF_8);
  }

  static byte[] png(List<RoundMetrics> rows, double centralized, String title) throws IOException {
    List<Double> rounds = new ArrayList<>();
    List<Double> accuracy = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    List<Double> compute = new ArrayList<>();
    List<Double> messaging = new ArrayList<>();
    for (RoundMetrics m : rows) {
      rounds.add((double) m.round());
      accuracy.add(m.testAccuracy());
      loss.add(Double.isNaN(m.trainLoss()) ? m.testLoss() : m.trainLoss());
      compute.add(m.computeSeconds());
      messaging.add(m.messagingSeconds());
    }
    XYChart top = new XYChartBuilder().width(WIDTH).height(TOP).title(title).xAxisTitle("round").build();
    top.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    top.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    top.getStyler().setChartBackgroundColor(Color.WHITE);
    top.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    top.getStyler().setXAxisDecimalPattern("0");
    top.setYAxisGroupTitle(0, "test accuracy");
    top.setYAxisGroupTitle(1, "train loss");
    XYSeries acc = top.addSeries("test accuracy", rounds, accuracy);
    acc.setMarker(SeriesMarkers.CIRCLE);
    acc.setLineColor(new Color(0x1f77b4));
    acc.setMarkerColor(new Color(0x1f77b4));
    if (!Double.isNaN(centralized) && !rounds.isEmpty()) {
      XYSeries ref = top.addSeries("centralized reference",
          List.of(rounds.get(0), rounds.get(rounds.size() - 1)), List.of(centralized, centralized));
      ref.setMarker(SeriesMarkers.NONE);
      ref.setLineColor(Color.GRAY);
    }
    XYSeries l = top.addSeries("train loss", rounds, loss);
    l.setYAxisGroup(1);
    l.setMarker(SeriesMarkers.DIAMOND);
    l.setLineColor(new Color(0xd62728));
    l.setMarkerColor(new Color(0xd62728));

    CategoryChart bottom = new CategoryChartBuilder().width(WIDTH).height(BOTTOM).title("round time")
        .xAxisTitle("round").yAxisTitle("seconds").build();
    bottom.getStyler().setStacked(true);
    bottom.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    bottom.getStyler().setChartBackgroundColor(Color.WHITE);
    bottom.getStyler().setXAxisDecimalPattern("0");
    bottom.getStyler().setSeriesColors(new Color[] {new Color(0x2ca02c), new Color(0xff7f0e)});
    bottom.addSeries("compute (slowest client)", rounds, compute);
    bottom.addSeries("messaging", rounds, messaging);

    BufferedImage image = new BufferedImage(WIDTH, TOP + BOTTOM, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.drawImage(BitmapEncoder.getBufferedImage(top), 0, 0, null);
      g.drawImage(BitmapEncoder.getBufferedImage(bottom), 0, TOP, null);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
