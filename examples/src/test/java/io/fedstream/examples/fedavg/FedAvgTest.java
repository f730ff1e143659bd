package io.fedstream.examples.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FedAvgTest {

  @Test
  void weightsEachUpdateByItsExampleCount() {
    // By hand: (1*[1, 2, -4] + 3*[4, 8, 0]) / 4 = [13/4, 26/4, -4/4].
    float[] out = FedAvg.aggregate(List.of(
        new FedAvg.Update(new float[] {1, 2, -4}, 1),
        new FedAvg.Update(new float[] {4, 8, 0}, 3)));
    assertArrayEquals(new float[] {3.25f, 6.5f, -1f}, out, 1e-6f);
  }

  @Test
  void equalCountsGiveThePlainMean() {
    float[] out = FedAvg.aggregate(List.of(
        new FedAvg.Update(new float[] {0, 10}, 600),
        new FedAvg.Update(new float[] {2, 20}, 600),
        new FedAvg.Update(new float[] {4, 30}, 600)));
    assertArrayEquals(new float[] {2f, 20f}, out, 1e-6f);
  }

  @Test
  void oneUpdateIsTheModel() {
    assertArrayEquals(new float[] {1.5f, -2f}, FedAvg.aggregate(List.of(new FedAvg.Update(new float[] {1.5f, -2f}, 7))));
  }

  @Test
  void refusesNoUpdatesMismatchedSizesAndEmptyClients() {
    assertThrows(IllegalArgumentException.class, () -> FedAvg.aggregate(List.of()));
    assertThrows(IllegalArgumentException.class, () -> FedAvg.aggregate(List.of(
        new FedAvg.Update(new float[] {1}, 1), new FedAvg.Update(new float[] {1, 2}, 1))));
    assertThrows(IllegalArgumentException.class, () -> FedAvg.aggregate(List.of(new FedAvg.Update(new float[] {1}, 0))));
  }
}
