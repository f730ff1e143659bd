package io.fedstream.connection;

import io.fedstream.node.Message;
import io.fedstream.node.NodeConfig;

/**
 * The seed's client loop, for the tests: answers each instruction with {@code echo} = its {@code x}
 * times 2, after sleeping {@code sleepMs} if the instruction asks. Also a child JVM's main.
 */
final class EchoClient {

  private EchoClient() {
  }

  /** Runs the loop until the connection closes; returns how many instructions it answered. */
  static int loop(Connection c) {
    return loop(c, x -> { });
  }

  /** The loop, telling {@code taken} each instruction's {@code x} as it takes it (-1 without one). */
  static int loop(Connection c, java.util.function.LongConsumer taken) {
    int n = 0;
    c.dispatch(Connection.empty());
    while (true) {
      Message instruction;
      try {
        instruction = c.consume();
      } catch (ConnectionException e) {
        return n;
      }
      taken.accept(instruction.arg("x") instanceof Long l ? l : -1L);
      Object sleep = instruction.arg("sleepMs");
      if (sleep instanceof Long ms) {
        try {
          Thread.sleep(ms); // the behaviour under test: a client as slow as the instruction says
        } catch (InterruptedException e) {
          return n;
        }
      }
      Object x = instruction.arg("x");
      c.dispatch(Message.builder().tag("result").arg("echo", x instanceof Long l ? l * 2 : -1L)
          .arg("from", c.id()).build());
      n++;
    }
  }

  /**
   * {@code <bootstrap> <registry> <namespace> <id> <serverId>}: connects, prints READY, loops,
   * printing {@code TAKEN <x>} as it takes each instruction.
   */
  public static void main(String[] args) {
    NodeConfig config = NodeConfig.builder().bootstrapServers(args[0]).registryUrl(args[1]).namespace(args[2])
        .nodeId(args[3]).set(NodeConfig.HEARTBEAT_INTERVAL_MS, 300).set(NodeConfig.LIVENESS_TIMEOUT_MS, 3000).build();
    try (Connection c = Connection.open(config, args[4])) {
      System.out.println("READY");
      System.out.flush();
      loop(c, x -> {
        System.out.println("TAKEN " + x);
        System.out.flush();
      });
    }
  }
}
