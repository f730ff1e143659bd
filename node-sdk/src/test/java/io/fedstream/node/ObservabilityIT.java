package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.schemas.RecordHeaders;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

@ExtendWith(FedStreamExtension.class)
class ObservabilityIT {

  @Test
  void metricsCountAndTraceparentTravelsInHeaders(Platform platform) {
    String ns = platform.newNamespace();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Node server = Nodes.start(platform, ns, "server");
        Node client = Node.create(Nodes.config(platform, ns, "client").meterRegistry(meters).build())) {
      client.start().block(Nodes.WAIT);
      server.serve("ping", req -> Mono.just(Message.builder().tag("pong").payload(Payload.ofBytes("p", new byte[100])).build()));
      String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
      Message reply = client.request(Message.builder().tag("ping").to("server").traceparent(traceparent).build(),
          Nodes.WAIT).block(Nodes.WAIT);
      for (int i = 0; i < 4; i++) {
        client.request(Message.builder().tag("ping").to("server").build(), Nodes.WAIT).block(Nodes.WAIT);
      }
      assertTrue(reply.traceparent().get().startsWith("00-0af7651916cd43dd8448eb211c80319c-"), "same trace");
      assertTrue(!reply.traceparent().get().equals(traceparent), "new span");

      List<ConsumerRecord<byte[], byte[]>> records = PrimitivesIT.readAll(platform, Topics.mailbox(ns), 10);
      boolean found = false;
      for (ConsumerRecord<byte[], byte[]> r : records) {
        var h = r.headers().lastHeader(RecordHeaders.TRACEPARENT);
        assertTrue(h != null, "every record carries a traceparent");
        assertTrue(r.headers().lastHeader(RecordHeaders.MESSAGE_ID) != null);
        found |= new String(h.value(), StandardCharsets.UTF_8).equals(traceparent);
      }
      assertTrue(found, "the caller's traceparent is in the request's headers");

      assertEquals(5.0, meters.get("fedstream.records.sent").counter().count());
      assertEquals(5.0, meters.get("fedstream.records.received").counter().count());
      assertEquals(5L, meters.get("fedstream.request.latency").timer().count());
      assertTrue(meters.get("fedstream.bytes.received").counter().count() > 500);
      assertEquals(0.0, meters.get("fedstream.records.dead.lettered").counter().count());
    }
  }
}
