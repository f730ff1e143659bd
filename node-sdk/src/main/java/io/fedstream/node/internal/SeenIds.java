package io.fedstream.node.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bounded memory of message ids a host has handled, so that a redelivered record does not
 * reach a handler twice. Least recently added ids are forgotten first. With a journal file, ids
 * are appended as they are marked processed and read back on start, so the memory survives a
 * crash of the process (the file is written through the OS page cache, not fsynced per id: it
 * survives a killed process, not a lost machine). The journal is rewritten when it holds twice
 * the capacity.
 */
final class SeenIds implements AutoCloseable {

  private final int capacity;
  private final Map<String, Boolean> ids;
  private final Path journal;
  private BufferedWriter writer;
  private int journalLines;

  SeenIds(int capacity, Path journal) {
    this.capacity = capacity;
    this.ids = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > SeenIds.this.capacity;
      }
    };
    this.journal = journal;
    if (journal != null) {
      try {
        Files.createDirectories(journal.getParent());
        if (Files.exists(journal)) {
          for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
              ids.put(line, Boolean.TRUE);
              journalLines++;
            }
          }
        }
        writer = Files.newBufferedWriter(journal, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the seen-id journal " + journal, e);
      }
    }
  }

  /** Marks an id as seen; false if it was seen before (a redelivery). */
  synchronized boolean firstTime(String key) {
    return ids.put(key, Boolean.TRUE) == null;
  }

  /** Records that the message was processed, in the journal. */
  synchronized void processed(String key) {
    ids.putIfAbsent(key, Boolean.TRUE);
    if (writer == null) {
      return;
    }
    try {
      writer.write(key);
      writer.write('\n');
      writer.flush();
      if (++journalLines > 2 * capacity) {
        rewrite();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the seen-id journal " + journal, e);
    }
  }

  synchronized boolean contains(String key) {
    return ids.containsKey(key);
  }

  synchronized int size() {
    return ids.size();
  }

  private void rewrite() throws IOException {
    writer.close();
    Path tmp = journal.resolveSibling(journal.getFileName() + ".tmp");
    List<String> keep = new ArrayList<>(ids.keySet());
    Files.write(tmp, keep, StandardCharsets.UTF_8);
    Files.move(tmp, journal, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    journalLines = keep.size();
    writer = Files.newBufferedWriter(journal, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  @Override
  public synchronized void close() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        // nothing to do: the journal is advisory
      }
      writer = null;
    }
  }
}
