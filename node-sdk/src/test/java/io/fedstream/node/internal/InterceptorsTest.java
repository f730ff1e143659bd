package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.node.spi.Interceptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterceptorsTest {

  private static Message sent() {
    return WireBuilder.of(Message.builder()).tag("t").to("b").source("a").kind(Message.Kind.REQUEST).build();
  }

  private static Interceptor recording(String name, List<String> log) {
    return chain -> {
      log.add(name + ":" + chain.direction() + ":" + chain.nodeId() + ":" + chain.topic());
      Message m = chain.message().toBuilder().attribute("seen", chain.message().attributes().getOrDefault("seen", "")
          + name).build();
      return chain.proceed(m);
    };
  }

  @Test
  void hostInterceptorsRunBeforeTheNodesOutboundAndAfterThemInbound() {
    List<String> log = new ArrayList<>();
    Interceptors chain = Interceptors.of(List.of(recording("h", log)), List.of(recording("n", log)));
    Message out = chain.outbound("a", "ns.mailbox", sent());
    assertEquals("hn", out.attributes().get("seen"));
    assertTrue(out.traceparent().isPresent(), "the trace interceptor runs first");
    Message in = chain.inbound("b", "ns.mailbox", sent());
    assertEquals("nh", in.attributes().get("seen"));
    assertEquals(List.of("h:OUTBOUND:a:ns.mailbox", "n:OUTBOUND:a:ns.mailbox", "n:INBOUND:b:ns.mailbox",
        "h:INBOUND:b:ns.mailbox"), log);
  }

  @Test
  void anInterceptorCanReplacePayloadBytesAndArgs() {
    Interceptor swap = chain -> chain.proceed(chain.message().toBuilder().clearPayloads()
        .payload(Payload.ofBytes("p", new byte[] {9})).arg("sealed", true).build());
    Message m = WireBuilder.of(Message.builder()).tag("t").to("b").source("a").build();
    Message out = Interceptors.of(List.of(swap), List.of()).outbound("a", "x", m);
    assertEquals(9, out.payload("p").get().bytes()[0]);
    assertEquals(true, out.arg("sealed"));
    assertEquals(m.id(), out.id());
  }

  @Test
  void aThrowingInterceptorFailsWithACodedError() {
    Interceptor boom = chain -> {
      throw new IllegalStateException("bad key");
    };
    NodeException e = assertThrows(NodeException.class,
        () -> Interceptors.of(List.of(boom), List.of()).inbound("b", "x", sent()));
    assertEquals(ErrorCode.REJECTED, e.errorCode());
    assertTrue(e.reason().contains("bad key"), e.reason());
    Interceptor coded = chain -> {
      throw new NodeException.CallerException("unsigned");
    };
    assertEquals(ErrorCode.CALLER, assertThrows(NodeException.class,
        () -> Interceptors.of(List.of(coded), List.of()).outbound("a", "x", sent())).errorCode());
  }

  @Test
  void identityChangesNullResultsAndDoubleProceedAreRejected() {
    Interceptor reroute = chain -> chain.proceed(chain.message().toBuilder().to("mallory").build());
    Interceptor none = chain -> null;
    Interceptor twice = chain -> {
      chain.proceed(chain.message());
      return chain.proceed(chain.message());
    };
    for (Interceptor i : List.of(reroute, none, twice)) {
      assertEquals(ErrorCode.REJECTED, assertThrows(NodeException.class,
          () -> Interceptors.of(List.of(i), List.of()).outbound("a", "x", sent())).errorCode());
    }
  }

  @Test
  void withoutInterceptorsAStampedMessagePassesUnchanged() {
    Message m = sent().toBuilder().traceparent("00-0123456789abcdef0123456789abcdef-0123456789abcdef-01").build();
    assertSame(m, Interceptors.TRACE_ONLY.outbound("a", "x", m));
    assertSame(m, Interceptors.TRACE_ONLY.inbound("a", "x", m));
  }
}
