package io.fedstream.examples.fedavg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RoundReleaseTest {

  private final RoundRelease policy = new RoundRelease(0.6, 2.0, 10_000);

  @Test
  void quorumIsACeilingOfTheFraction() {
    assertEquals(3, policy.quorum(5));
    assertEquals(1, policy.quorum(1));
    assertEquals(6, policy.quorum(10));
  }

  @Test
  void releasesAtOnceWhenEveryoneAnswered() {
    assertEquals(0, policy.remaining(5, 5, 100, 50, 100));
  }

  @Test
  void afterTheQuorumWaitsPatienceTimesItsTime() {
    // Quorum reached at 300: the deadline is 600.
    assertEquals(200, policy.remaining(5, 3, 400, 300, 300));
    assertEquals(0, policy.remaining(5, 4, 600, 300, 550));
    // Fast clients, short deadline; slow clients, long deadline: the same rule.
    assertEquals(2_000, policy.remaining(5, 3, 4_000, 3_000, 3_000));
  }

  @Test
  void belowTheQuorumWaitsUntilProgressStalls() {
    assertEquals(10_000, policy.remaining(5, 0, 0, -1, 0));
    assertEquals(5_000, policy.remaining(5, 2, 9_000, -1, 4_000));
    assertEquals(0, policy.remaining(5, 2, 14_000, -1, 4_000));
  }

  @Test
  void refusesBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> new RoundRelease(0, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> new RoundRelease(0.5, 0.5, 1));
    assertThrows(IllegalArgumentException.class, () -> new RoundRelease(0.5, 2, 0));
  }
}
