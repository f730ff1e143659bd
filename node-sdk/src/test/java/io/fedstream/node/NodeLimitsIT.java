package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fedstream.schemas.TopicSettings;
import io.fedstream.schemas.Topics;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * The codes the SDK gives at the contract's limits, and a handler that never completes: defects
 * 3 and 5 of the reliability issue, each of which failed on the code before.
 */
@ExtendWith(FedStreamExtension.class)
class NodeLimitsIT {

  private static ErrorCode code(Throwable t) {
    assertTrue(t instanceof NodeException, "a coded error, not " + t);
    return ((NodeException) t).errorCode();
  }

  private static Object nested(int levels) {
    Object v = 1L;
    for (int i = 0; i < levels; i++) {
      v = List.of(v);
    }
    return v;
  }

  @Test
  void argsNestedAThousandDeepFailSendAndSubscribeAsCaller(Platform platform) {
    String ns = platform.newNamespace();
    try (Node a = Nodes.start(platform, ns, "a")) {
      Message deep = Message.builder().tag("deep").to("b").arg("x", nested(1_000)).build();
      Throwable sent = catchError(a.send(deep));
      assertEquals(ErrorCode.CALLER, code(sent));
      assertTrue(((NodeException) sent).reason().contains("deeper than 64"), sent.getMessage());
      Throwable subscribed = catchError(a.subscribe(EventSubscription.to("r", "c").where("x", nested(1_000))).then());
      assertEquals(ErrorCode.CALLER, code(subscribed));
      // 64 levels still go
      a.send(Message.builder().tag("ok").to("b").arg("x", nested(63)).build()).block(Nodes.WAIT);
    }
  }

  @Test
  void aMessageJustUnderTheLimitWithoutItsHeadersFailsAsCallerNotUnavailable(Platform platform) {
    String ns = platform.newNamespace();
    try (Node a = Nodes.start(platform, ns, "a")) {
      int callers = 0;
      // the envelope around the arg takes ~150 bytes, the record's key, headers and framing ~150 more
      for (int len = TopicSettings.MAX_MESSAGE_BYTES - 400; len <= TopicSettings.MAX_MESSAGE_BYTES - 100; len += 25) {
        Message m = Message.builder().tag("big").to("b").arg("s", "x".repeat(len)).build();
        Throwable e = catchError(a.send(m));
        if (e != null) {
          assertEquals(ErrorCode.CALLER, code(e), "a message " + len + " bytes long: " + e);
          callers++;
        }
      }
      assertTrue(callers > 0, "some of them are over the limit");
    }
  }

  @Test
  void aHandlerWhoseReplyIsTooLargeIsBlamedNotTheCaller(Platform platform) {
    String ns = platform.newNamespace();
    try (Node server = Nodes.start(platform, ns, "server"); Node caller = Nodes.start(platform, ns, "caller")) {
      server.serve("big", m -> Mono.just(Message.builder().tag("big")
          .arg("s", "x".repeat(TopicSettings.MAX_MESSAGE_BYTES + 1_000)).build()));
      Throwable e = catchError(caller.request(Message.builder().tag("big").to("server").build(), Duration.ofSeconds(20)));
      assertEquals(ErrorCode.HANDLER, code(e), String.valueOf(e));
    }
  }

  @Test
  void aHandlerThatNeverCompletesStopsHoldingBackCommitsAfterItsDeadline(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    try (Node server = Nodes.start(platform, ns, "server"); Node a = Nodes.start(platform, ns, "a");
         Node b = Nodes.start(platform, ns, "b")) {
      server.serve("hang", m -> Mono.never());
      server.serve("ok", m -> Mono.just(Message.builder().tag("ok").build()));
      Throwable e = catchError(a.request(Message.builder().tag("hang").to("server").build(), Duration.ofSeconds(2)));
      assertEquals(ErrorCode.TIMEOUT, code(e));
      for (int i = 0; i < 20; i++) {
        b.request(Message.builder().tag("ok").to("server").build(), Duration.ofSeconds(20)).block(Nodes.WAIT);
      }
      String mailbox = Topics.mailbox(ns);
      try (Admin admin = Admin.create(platform.clientProperties())) {
        int partitions = admin.describeTopics(List.of(mailbox)).allTopicNames().get().get(mailbox).partitions().size();
        TopicPartition tp = new TopicPartition(mailbox,
            Utils.toPositive(Utils.murmur2("server".getBytes(StandardCharsets.UTF_8))) % partitions);
        long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
        long committed = -1;
        long until = System.nanoTime() + Nodes.WAIT.toNanos();
        while (committed < end && System.nanoTime() < until) {
          Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(ns + ".host.server")
              .partitionsToOffsetAndMetadata().get();
          committed = c.get(tp) == null ? -1 : c.get(tp).offset();
          if (committed < end) {
            Thread.sleep(100); // polling the committed position, bounded by Nodes.WAIT
          }
        }
        assertEquals(end, committed, "the server's host commits past the request whose handler hangs");
      }
    }
  }

  private static Throwable catchError(Mono<?> m) {
    try {
      m.block(Nodes.WAIT);
      return null;
    } catch (RuntimeException e) {
      Throwable t = e;
      while (t.getCause() != null && !(t instanceof NodeException)) {
        t = t.getCause();
      }
      if (t instanceof StackOverflowError) {
        fail("a raw StackOverflowError", t);
      }
      return t;
    } catch (StackOverflowError e) {
      return fail("a raw StackOverflowError", e);
    }
  }
}
