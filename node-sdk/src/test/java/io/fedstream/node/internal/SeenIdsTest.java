package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeenIdsTest {

  @Test
  void forgetsOldestBeyondCapacity() {
    SeenIds s = new SeenIds(3, null);
    for (String id : new String[] {"a", "b", "c", "d"}) {
      assertTrue(s.firstTime(id));
    }
    assertFalse(s.firstTime("d"));
    assertFalse(s.contains("a"));
    assertEquals(3, s.size());
  }

  @Test
  void journalSurvivesReopenAndIsRewrittenWhenLong(@TempDir Path dir) {
    Path j = dir.resolve("host.seen");
    try (SeenIds s = new SeenIds(10, j)) {
      for (int i = 0; i < 25; i++) {
        s.firstTime("m" + i);
        s.processed("m" + i);
      }
    }
    try (SeenIds s = new SeenIds(10, j)) {
      assertFalse(s.firstTime("m24"), "a processed id must be remembered after a restart");
      assertTrue(s.firstTime("m0"), "ids beyond the capacity are forgotten");
    }
  }

  @Test
  void seenButNotProcessedIsNotJournaled(@TempDir Path dir) {
    Path j = dir.resolve("host.seen");
    try (SeenIds s = new SeenIds(10, j)) {
      s.firstTime("inflight");
    }
    try (SeenIds s = new SeenIds(10, j)) {
      assertTrue(s.firstTime("inflight"), "a message not processed before a crash must be handled after it");
    }
  }
}
