package io.fedstream.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void takenPortIsRefusedWithItsNumberAndOption() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK))) {
      int port = taken.getLocalPort();
      assertFalse(Ports.isFree(port));
      PlatformException e = assertThrows(PlatformException.class,
          () -> Ports.resolve(port, "Kafka broker (--kafka-port)"));
      assertEquals(PlatformException.PORT_IN_USE, e.code());
      assertTrue(e.getMessage().contains("Port " + port), e.getMessage());
      assertTrue(e.getMessage().contains("--kafka-port"), e.getMessage());
    }
  }

  @Test
  void zeroPicksAFreePortOutsideTheEphemeralRange() throws Exception {
    int p = Ports.resolve(0, "Kafka broker");
    assertTrue(p > 0 && Ports.isFree(p));
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (java.nio.file.Files.isReadable(range)) {
      int low = Integer.parseInt(java.nio.file.Files.readString(range).trim().split("\\s+")[0]);
      if (low > 11_000) {
        assertTrue(p < low, "port " + p + " is below the ephemeral range starting at " + low);
      }
    }
  }

  @Test
  void brokerBuilderSaysWhatToFix() {
    PlatformException e = assertThrows(PlatformException.class,
        () -> EmbeddedBroker.builder(Path.of("x")).kafkaPort(9000).controllerPort(9000).build());
    assertEquals(PlatformException.BAD_CONFIG, e.code());
    assertTrue(e.getMessage().contains("must differ"), e.getMessage());
    PlatformException cp = assertThrows(PlatformException.class,
        () -> EmbeddedBroker.builder(Path.of("x")).classpath("/nothing.jar").build());
    assertTrue(cp.getMessage().contains("kafka_2.13"), cp.getMessage());
  }
}
