package io.fedstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The marker search counts every occurrence, also one that spans two read blocks. */
class PlaintextSearchTest {

  @Test
  void countsOccurrencesAcrossBlockBoundaries() throws Exception {
    byte[] marker = "MARKER-42".getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[3 * 65536];
    System.arraycopy(marker, 0, data, 0, marker.length);
    System.arraycopy(marker, 0, data, 65536 - 4, marker.length); // spans the first block's end
    System.arraycopy(marker, 0, data, data.length - marker.length, marker.length);
    assertEquals(3, PlaintextSearch.occurrences(new ByteArrayInputStream(data), marker));
    assertEquals(3, PlaintextSearch.occurrences(data, marker));
    assertEquals(0, PlaintextSearch.occurrences(new ByteArrayInputStream(new byte[100_000]), marker));
    assertEquals(0, PlaintextSearch.occurrences((byte[]) null, marker));
  }
}
