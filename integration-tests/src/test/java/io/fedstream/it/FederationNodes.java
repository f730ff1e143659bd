package io.fedstream.it;

import io.fedstream.federation.Arg;
import io.fedstream.federation.FederatedMessage;
import io.fedstream.federation.FederatedNode;
import java.util.Map;

/** Node classes that {@code fedstream node --classpath} loads from this module's test classes. */
public final class FederationNodes {

  private FederationNodes() {
  }

  /** Answers {@code messages} messages to their senders, then returns. */
  public static class Server extends FederatedNode {
    public int train(@Arg("messages") int messages) {
      for (int i = 0; i < messages; i++) {
        FederatedMessage msg = receive();
        send("exchange", Map.of("msg", "Hello from " + id()), msg.senderId());
      }
      return messages;
    }
  }

  /** Sends its greeting and prints the reply, {@code rounds} times. */
  public static class Client extends FederatedNode {
    public void train(@Arg("greeting") String greeting, @Arg("rounds") int rounds) {
      for (int i = 1; i <= rounds; i++) {
        send("exchange", Map.of("msg", greeting + " " + id()));
        FederatedMessage msg = receive();
        System.out.println(id() + " round " + i + " received " + msg.get("msg") + " from " + msg.senderId());
      }
    }
  }
}
