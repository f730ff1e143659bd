package io.fedstream.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port checks shared by the platform's processes. */
public final class Ports {

  /** The loopback address every embedded service binds. */
  public static final String LOOPBACK = "127.0.0.1";

  private Ports() {
  }

  /**
   * Resolves a requested port: 0 picks a free loopback port; any other port is checked to be free.
   *
   * @param port the requested port, 0 for any
   * @param what what will listen there ("Kafka broker", "schema registry") or the option that sets
   *     the port ("--kafka-port"), for the message
   * @return a port that was free a moment ago
   * @throws IllegalArgumentException when the port is outside 0-65535
   * @throws PlatformException {@code PORT_IN_USE} naming the port when it is taken
   */
  public static int resolve(int port, String what) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(what + " port must be 0 (any free port) or 1-65535, was " + port);
    }
    if (port == 0) {
      return freePort();
    }
    try (ServerSocket socket = bind(port)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new PlatformException(PlatformException.PORT_IN_USE, "Port " + port + " on 127.0.0.1 is already in use, so the "
          + what + " cannot listen there. Stop what uses it, or choose another port (0 picks a free one).", e);
    }
  }

  /**
   * A port that is free on {@link #LOOPBACK} now, chosen below the kernel's ephemeral range.
   *
   * <p>Servers are started a few seconds after their port is chosen. A port from the ephemeral
   * range (what binding port 0 gives) can be taken meanwhile as the local end of an outgoing
   * connection (every Kafka client makes some), and the server then fails with "address already in
   * use". Ports below the range are never handed out that way. Falls back to an OS-picked port when
   * the range leaves no room below it.
   *
   * @return a free port
   * @throws PlatformException {@code PORT_IN_USE} when no port can be bound at all
   */
  public static int freePort() {
    int low = ephemeralLow();
    if (low > 11_000) {
      java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
      for (int i = 0; i < 100; i++) {
        int candidate = r.nextInt(10_000, low);
        if (isFree(candidate)) {
          return candidate;
        }
      }
    }
    try (ServerSocket socket = bind(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new PlatformException(PlatformException.PORT_IN_USE, "No free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  private static int ephemeralLow() {
    try {
      String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 49_152; // the IANA dynamic range, used by macOS and Windows
    }
  }

  /**
   * Whether a port can be bound on {@link #LOOPBACK} now (nothing listens on it there or on the
   * wildcard address).
   *
   * @param port the port, 1 to 65535
   * @return true when the port is free
   */
  public static boolean isFree(int port) {
    try {
      bind(port).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // SO_REUSEADDR as the servers themselves bind (Kafka, Quarkus): connections of a server that just
  // stopped linger in TIME_WAIT on its port, and must not make the port look taken to a restart.
  private static ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }
}
