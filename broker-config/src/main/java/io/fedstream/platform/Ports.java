package io.fedstream.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port checks shared by the platform's processes. */
public final class Ports {

  private Ports() {
  }

  /**
   * Resolves a requested port: 0 picks a free loopback port; any other port is checked to be free.
   *
   * @param port the requested port, 0 for any
   * @param what what will listen there ("Kafka broker", "schema registry"), for the message
   * @return a port that was free a moment ago
   * @throws PlatformException {@code PORT_IN_USE} naming the port when it is taken
   */
  public static int resolve(int port, String what) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(what + " port must be 0 (any free port) or 1-65535, was " + port);
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new PlatformException(PlatformException.PORT_IN_USE, "Port " + port + " on 127.0.0.1 is already in use, so the "
          + what + " cannot listen there. Stop what uses it, or choose another port.", e);
    }
  }
}
