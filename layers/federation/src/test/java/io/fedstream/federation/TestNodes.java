package io.fedstream.federation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** Node classes of the federation tests. Compiled without -parameters: names come from {@link Arg}. */
final class TestNodes {

  /** What the nodes of a test saw, one line each. */
  static final List<String> LOG = new CopyOnWriteArrayList<>();

  private TestNodes() {
  }

  /** FedRay's server, bounded: answers {@code messages} messages to their senders, then returns how many it answered. */
  public static class EchoServer extends FederatedNode {
    public int train(@Arg("outMsg") Supplier<String> outMsg, @Arg("messages") int messages) {
      for (int i = 0; i < messages; i++) {
        FederatedMessage msg = receive();
        LOG.add(id() + " received " + msg.get("msg") + " from " + msg.senderId());
        send("exchange", Map.of("msg", outMsg.get()), msg.senderId());
      }
      return messages;
    }
  }

  /** FedRay's client, bounded: sends, waits for the reply, {@code rounds} times. */
  public static class EchoClient extends FederatedNode {
    public void train(@Arg("outMsg") Supplier<String> outMsg, @Arg("rounds") long rounds) {
      for (int i = 0; i < rounds; i++) {
        send("exchange", Map.of("msg", outMsg.get() + " " + id()));
        FederatedMessage msg = receive();
        LOG.add(id() + "/" + role() + " received " + msg.get("msg") + " from " + msg.senderId());
      }
    }
  }

  /** A client for another process: its arguments are plain values; prints what it received. */
  public static class RemoteEchoClient extends FederatedNode {
    public String train(@Arg("outMsg") String outMsg, @Arg("rounds") int rounds) {
      for (int i = 0; i < rounds; i++) {
        send("exchange", Map.of("msg", outMsg + " " + id()));
        FederatedMessage msg = receive();
        System.out.println(id() + "/" + role() + " received " + msg.get("msg") + " from " + msg.senderId());
      }
      return id() + " done";
    }
  }

  /** A client that waits forever, as FedRay's tutorial loops do. */
  public static class BlockedClient extends FederatedNode {
    public void train() {
      while (true) {
        receive();
      }
    }
  }

  /** A server that waits forever. */
  public static class BlockedServer extends FederatedNode {
    public void train() {
      receive();
      throw new IllegalStateException("nobody sends to this server");
    }
  }

  /** A server that sleeps (interruptibly) in a loop, as the tutorial's time.sleep(3). */
  public static class SleepingServer extends FederatedNode {
    public void train() throws InterruptedException {
      while (true) {
        Thread.sleep(60_000); // the behaviour under test: a server busy until interrupted
      }
    }
  }

  /** A client that fails at once. */
  public static class FailingClient extends FederatedNode {
    public void train() {
      throw new IllegalStateException("broken data set on " + id());
    }
  }

  /** Sends a large float[] to the server and returns; the client named {@code silent} never answers. */
  public static class WeightsClient extends FederatedNode {
    public void train(@Arg("size") int size, @Arg("silent") String silent) {
      if (id().equals(silent)) {
        receive();
        return;
      }
      float[] w = new float[size];
      for (int i = 0; i < size; i++) {
        w[i] = i * 0.5f;
      }
      send("weights", Map.of("round", 1, "weights", w, "note", "all of it"));
    }
  }

  /**
   * Gathers "weights" from every client with a deadline and a minimum; returns the sum of the
   * last weight of each, and how many answered.
   */
  public static class GatheringServer extends FederatedNode {
    public List<Object> train(@Arg("min") int min, @Arg("deadlineMs") long deadlineMs) {
      Map<String, FederatedMessage> got = gather("weights", clientIds(), min, Duration.ofMillis(deadlineMs));
      double sum = 0;
      for (FederatedMessage m : got.values()) {
        float[] w = (float[]) m.get("weights");
        sum += w[w.length - 1];
        LOG.add(m.senderId() + " round " + m.get("round") + " " + m.get("note") + " " + w.length);
      }
      return List.of(got.size(), sum);
    }
  }

  /** No name for its parameter. */
  public static class Unnamed extends FederatedNode {
    public void train(int rounds) {
    }
  }

  /** No no-argument constructor. */
  public static class NoDefaultConstructor extends FederatedNode {
    public NoDefaultConstructor(int x) {
    }

    public void train() {
    }
  }
}
