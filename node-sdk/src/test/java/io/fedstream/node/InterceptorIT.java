package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.spi.Interceptor;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

@ExtendWith(FedStreamExtension.class)
class InterceptorIT {

  /** Reverses payload bytes on the way out and back on the way in, and tags what it did. */
  private static final Interceptor FLIP = chain -> {
    Message m = chain.message();
    Message.Builder b = m.toBuilder().clearPayloads();
    for (Payload p : m.payloads()) {
      byte[] in = p.bytes();
      byte[] out = new byte[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = in[in.length - 1 - i];
      }
      b.payload(Payload.ofBytes(p.name(), p.contentType(), out));
    }
    b.attribute("flipped." + chain.direction().name().toLowerCase(), chain.nodeId());
    return chain.proceed(b.build());
  };

  /** Fails every inbound message tagged "poison" and every outbound one tagged "unsendable". */
  private static final Interceptor PICKY = chain -> {
    String tag = chain.message().tag();
    if (chain.direction() == Interceptor.Direction.INBOUND && tag.equals("poison")) {
      throw new IllegalStateException("cannot verify");
    }
    if (chain.direction() == Interceptor.Direction.OUTBOUND && tag.equals("unsendable")) {
      throw new NodeException.CallerException("no key for the destination");
    }
    return chain.proceed(chain.message());
  };

  @Test
  void interceptorsTransformPayloadsBothWaysAndAFailureFailsOneMessageOnly(Platform platform) {
    String ns = platform.newNamespace();
    NodeConfig base = Nodes.config(platform, ns, "").interceptor(FLIP).build();
    try (Node a = Node.create(base, NodeSpec.builder("a").interceptor(PICKY).build());
        Node b = Node.create(base, NodeSpec.builder("b").interceptor(PICKY).build())) {
      a.start().block(Nodes.WAIT);
      b.start().block(Nodes.WAIT);
      b.serve("echo", req -> Mono.just(Message.builder().tag("echoed")
          .attribute("got", new String(req.payload("p").get().bytes(), StandardCharsets.UTF_8))
          .attribute("outbound", req.attributes().getOrDefault("flipped.outbound", ""))
          .payload(Payload.ofBytes("p", "pong".getBytes(StandardCharsets.UTF_8))).build()));
      b.serve("poison", req -> Mono.just(Message.builder().tag("never").build()));

      Message reply = a.request(Message.builder().tag("echo").to("b")
          .payload(Payload.ofBytes("p", "ping".getBytes(StandardCharsets.UTF_8))).build()).block(Nodes.WAIT);
      assertEquals("ping", reply.attributes().get("got"), "the receiver saw the bytes as sent");
      assertEquals("a", reply.attributes().get("outbound"));
      assertEquals("pong", new String(reply.payload("p").get().bytes(), StandardCharsets.UTF_8));
      assertEquals("a", reply.attributes().get("flipped.inbound"));

      // inbound failure: the request gets a coded error reply at once, not a timeout
      Throwable inbound = a.request(Message.builder().tag("poison").to("b").build()).map(m -> (Throwable) null)
          .onErrorResume(Mono::just).block(Nodes.WAIT);
      assertInstanceOf(NodeException.RejectedException.class, inbound);
      assertTrue(((NodeException) inbound).reason().contains("cannot verify"), inbound.getMessage());
      // outbound failure: that send fails with the interceptor's code
      Throwable outbound = a.send(Message.builder().tag("unsendable").to("b").build()).then(Mono.<Throwable>empty())
          .onErrorResume(Mono::just).block(Nodes.WAIT);
      assertEquals(ErrorCode.CALLER, ((NodeException) outbound).errorCode());
      // both nodes keep running
      assertEquals("echoed", a.request(Message.builder().tag("echo").to("b")
          .payload(Payload.ofBytes("p", new byte[] {'x'})).build()).block(Nodes.WAIT).tag());
    }
  }
}
