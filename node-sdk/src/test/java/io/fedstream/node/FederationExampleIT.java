package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The FedRay "simple message-passing federation" on the SDK: one server and three clients. Each
 * client sends "exchange" to the server and waits for the reply; the server answers every message
 * to its sender. {@link #runFederation} is the whole example; the launcher's demo can call it as is.
 */
@ExtendWith(FedStreamExtension.class)
class FederationExampleIT {

  /** The server: receive a message, print it, reply to its sender. */
  static Disposable server(Node server, List<String> log) {
    return server.receive()
        .concatMap(msg -> {
          log.add(server.id() + " received " + msg.arg("msg") + " from " + msg.source() + " " + msg.createdAt());
          return server.send(Message.builder().tag("exchange").to(msg.source()).arg("msg", "Hello from server").build());
        })
        .subscribe();
  }

  /** A client: send to the server, wait for the reply, print it; {@code rounds} times. */
  static Mono<Void> client(Node client, int rounds, List<String> log) {
    return Flux.range(0, rounds)
        .concatMap(i -> client.send(Message.builder().tag("exchange").to("server")
                .arg("msg", "Hello from client").build())
            .then(client.receive().next())
            .doOnNext(msg -> log.add(client.id() + " received " + msg.arg("msg") + " from " + msg.source())))
        .then();
  }

  /** Starts a server and n clients in one host each, runs the exchange, closes everything. */
  static List<String> runFederation(NodeConfig base, int clients, int rounds) {
    List<String> log = new CopyOnWriteArrayList<>();
    List<Node> nodes = new ArrayList<>();
    try {
      Node server = Node.create(base.toBuilder().nodeId("server").build());
      nodes.add(server);
      server.start().block(Duration.ofSeconds(30));
      Disposable serving = server(server, log);
      List<Mono<Void>> runs = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Node c = Node.create(base.toBuilder().nodeId("client-" + i).groups("clients").build());
        nodes.add(c);
        c.start().block(Duration.ofSeconds(30));
        runs.add(client(c, rounds, log));
      }
      server.awaitMembers("clients", clients, Duration.ofSeconds(30)).block();
      Mono.when(runs).block(Duration.ofSeconds(60));
      serving.dispose();
      return log;
    } finally {
      nodes.forEach(Node::close);
    }
  }

  @Test
  void aServerAndThreeClientsExchangeMessages(Platform platform) {
    NodeConfig base = Nodes.config(platform, platform.newNamespace(), "server").build();
    List<String> log = runFederation(base, 3, 3);
    log.forEach(System.out::println);
    assertEquals(9, log.stream().filter(l -> l.startsWith("server received Hello from client")).count(), log.toString());
    for (int i = 0; i < 3; i++) {
      String id = "client-" + i;
      assertEquals(3, log.stream().filter(l -> l.equals(id + " received Hello from server from server")).count());
    }
    assertTrue(log.size() == 18);
  }
}
