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
    try (ServerSocket socket = bind(port)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new PlatformException("PORT_IN_USE", "Port " + port + " on 127.0.0.1 is already in use, so the "
          + what + " cannot listen there. Stop what uses it, or choose another port (0 picks a free one).", e);
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
    try (ServerSocket socket = bind(port)) {
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
