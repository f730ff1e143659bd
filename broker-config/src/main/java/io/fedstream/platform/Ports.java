package io.fedstream.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks for the loopback services of the embedded platform. */
public final class Ports {

  /** The loopback address every embedded service binds. */
  public static final String LOOPBACK = "127.0.0.1";

  private Ports() {
  }

  /**
   * Returns a port that is free on {@link #LOOPBACK} right now, chosen by the operating system.
   * Another process may take it before the caller binds it; the window is small.
   *
   * @return a free port
   * @throws PlatformException with code {@code IO} if no socket can be opened at all
   */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new PlatformException(PlatformException.Code.IO, "cannot open a socket on " + LOOPBACK + ": " + e.getMessage(), e);
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
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Resolves a requested port: 0 becomes a free port chosen by the operating system; any other
   * value must be free now.
   *
   * @param port the requested port, 0 to 65535
   * @param what how the user sets this port (for example {@code "--kafka-port"}), named in the error
   * @return the port to use
   * @throws PlatformException {@code BAD_CONFIG} if the port is out of range, {@code PORT_IN_USE}
   *     (naming the port and the option) if it is taken
   */
  public static int resolve(int port, String what) {
    if (port < 0 || port > 65535) {
      throw new PlatformException(PlatformException.Code.BAD_CONFIG,
          what + " must be between 0 and 65535 (0 picks a free port), was " + port + ".");
    }
    if (port == 0) {
      return freePort();
    }
    requireFree(port, what);
    return port;
  }

  /**
   * Fails when a port is taken.
   *
   * @param port the port
   * @param what how the user sets this port, named in the error
   * @throws PlatformException {@code PORT_IN_USE} naming the port
   */
  public static void requireFree(int port, String what) {
    if (!isFree(port)) {
      throw new PlatformException(PlatformException.Code.PORT_IN_USE,
          "port " + port + " (" + what + ") is already in use on " + LOOPBACK
              + ": stop what uses it, or choose another port with " + what + " (0 picks a free one).");
    }
  }
}
