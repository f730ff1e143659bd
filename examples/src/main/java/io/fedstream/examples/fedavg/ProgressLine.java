package io.fedstream.examples.fedavg;

import java.io.PrintWriter;

/**
 * The live progress line of a round: {@code round 3/20  updates 2/5  1.4 s}. On a terminal it is
 * redrawn in place with a carriage return and cleared before the next regular line; anywhere else
 * (a log, a pipe, a test) it writes nothing, so logs hold no control characters.
 */
public final class ProgressLine {

  private final PrintWriter out;
  private final boolean terminal;
  private int shown;

  /**
   * A progress line.
   *
   * @param out where to draw
   * @param terminal whether {@code out} is a terminal ({@code System.console() != null})
   */
  public ProgressLine(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /**
   * Redraws the line.
   *
   * @param text the new text
   */
  public synchronized void show(String text) {
    if (!terminal) {
      return;
    }
    StringBuilder sb = new StringBuilder("\r").append(text);
    for (int i = text.length(); i < shown; i++) {
      sb.append(' ');
    }
    shown = text.length();
    out.print(sb);
    out.flush();
  }

  /** Clears the line, so that a regular line can follow. */
  public synchronized void clear() {
    if (!terminal || shown == 0) {
      return;
    }
    out.print("\r" + " ".repeat(shown) + "\r");
    out.flush();
    shown = 0;
  }

  /**
   * Prints a regular line, clearing the progress line first.
   *
   * @param line the line
   */
  public synchronized void println(String line) {
    clear();
    out.println(line);
    out.flush();
  }
}
