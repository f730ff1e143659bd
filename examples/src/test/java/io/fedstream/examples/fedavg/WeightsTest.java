package io.fedstream.examples.fedavg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WeightsTest {

  @Test
  void littleEndianFloat32() {
    // 1.0f is 0x3F800000, -2.0f is 0xC0000000: least significant byte first.
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0}, Weights.encode(new float[] {1f, -2f}));
    assertArrayEquals(new float[] {1f, -2f}, Weights.decode(Weights.encode(new float[] {1f, -2f}), 2));
  }

  @Test
  void refusesAPayloadOfTheWrongSize() {
    assertThrows(IllegalArgumentException.class, () -> Weights.decode(new byte[7], 2));
    assertThrows(IllegalArgumentException.class, () -> Weights.decode(new byte[12], 2));
  }
}
