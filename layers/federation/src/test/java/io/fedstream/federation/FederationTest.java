package io.fedstream.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.Message;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.Payload;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The federation's checks and body encoding, without a broker. */
class FederationTest {

  private static final NodeConfig CONFIG = NodeConfig.builder().bootstrapServers("127.0.0.1:1")
      .registryUrl("http://127.0.0.1:1").namespace("unit").build();

  private static ClientServerFederation.Builder builder() {
    return ClientServerFederation.builder().config(CONFIG).server(TestNodes.EchoServer.class)
        .client(TestNodes.EchoClient.class);
  }

  private static FederationException fails(String code, Executable call) {
    FederationException e = assertThrows(FederationException.class, call);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  @Test
  void defaultIdsAndRoles() {
    ClientServerFederation f = builder().clients(3).build();
    assertEquals("server", f.serverId());
    assertEquals(List.of("client-1", "client-2", "client-3"), f.clientIds());
    assertEquals(List.of("client", "client", "client"), f.roles);
  }

  @Test
  void badShapesAreRefusedWithTheirReason() {
    assertTrue(fails(FederationException.BAD_FEDERATION, () -> builder().clients(0).build()).getMessage()
        .contains("at least 1"));
    assertTrue(fails(FederationException.BAD_FEDERATION, () -> builder().clientIds("a", "b", "a").build()).getMessage()
        .contains("[a]"));
    assertTrue(fails(FederationException.BAD_FEDERATION, () -> builder().clientIds("server", "b").build()).getMessage()
        .contains("[server]"));
    assertTrue(fails(FederationException.BAD_FEDERATION, () -> builder().clients(3).roles(List.of("train")).build())
        .getMessage().contains("1 entries for 3 clients"));
    fails(FederationException.BAD_FEDERATION, () -> builder().build());
    fails(FederationException.BAD_FEDERATION, () -> builder().clients(2).remote("nobody").build());
    fails(FederationException.BAD_FEDERATION, () -> builder().clientIds("bad id").build());
  }

  @Test
  void nodeClassesAreChecked() {
    assertTrue(fails(FederationException.BAD_NODE_CLASS, () -> builder().client(TestNodes.NoDefaultConstructor.class)
        .clients(1).build()).getMessage().contains("no public no-argument constructor"));
    assertTrue(fails(FederationException.BAD_NODE_CLASS, () -> builder().client(TestNodes.Unnamed.class).clients(1)
        .build()).getMessage().contains("-parameters"));
  }

  @Test
  void argumentKeysAreCheckedAndEveryBadKeyNamed() {
    TrainMethod m = TrainMethod.of(TestNodes.EchoServer.class);
    assertEquals(List.of("outMsg", "messages"), m.names());
    FederationException e = fails(FederationException.BAD_ARGUMENTS, () -> m.arguments("server args",
        Map.of("out_msg", "x", "extra", 1)));
    assertTrue(e.getMessage().contains("unknown keys extra, out_msg"), e.getMessage());
    assertTrue(e.getMessage().contains("missing keys outMsg, messages"), e.getMessage());
    FederationException type = fails(FederationException.BAD_ARGUMENTS, () -> m.arguments("server args",
        Map.of("outMsg", (Supplier<String>) () -> "x", "messages", "three")));
    assertTrue(type.getMessage().contains("key messages"), type.getMessage());
    Object[] ok = m.arguments("server args", Map.of("outMsg", (Supplier<String>) () -> "x", "messages", 3L));
    assertEquals(3, ok[1]);
    assertEquals(7, m.arguments("cli", Map.of("outMsg", (Supplier<String>) () -> "x", "messages", "7"))[1]);
  }

  @Test
  void bodiesComeBackAsSent() {
    float[] w = new float[300_000];
    for (int i = 0; i < w.length; i++) {
      w[i] = i / 7f;
    }
    Message m = Bodies.encode(Message.builder().tag("t").to("x"), Map.of("round", 2, "weights", w,
        "d", new double[] {1.5, -2}, "raw", new byte[] {1, 2}, "p", Payload.ofBytes("other", "text/plain",
            "hi".getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build();
    assertEquals(4, m.payloads().size());
    Map<?, ?> body = (Map<?, ?>) Bodies.decode(m);
    assertEquals(2L, body.get("round"));
    assertArrayEquals(w, (float[]) body.get("weights"));
    assertArrayEquals(new double[] {1.5, -2}, (double[]) body.get("d"));
    assertArrayEquals(new byte[] {1, 2}, (byte[]) body.get("raw"));
    Payload p = assertInstanceOf(Payload.class, body.get("p"));
    assertEquals("p", p.name());
    assertEquals("text/plain", p.contentType());

    assertEquals("hello", Bodies.decode(Bodies.encode(Message.builder().tag("t"), "hello").build()));
    assertNull(Bodies.decode(Bodies.encode(Message.builder().tag("t"), null).build()));
    assertArrayEquals(new float[] {1f}, (float[]) Bodies.decode(Bodies.encode(Message.builder().tag("t"),
        new float[] {1f}).build()));
    fails(FederationException.BAD_ARGUMENTS, () -> Bodies.encode(Message.builder().tag("t"), Map.of("x", new Object())));
  }

  @Test
  void onlyJsonLikeOrBinaryValuesTravel() {
    assertTrue(Bodies.serialisable(Map.of("a", List.of(1, "x", Map.of("b", true)))));
    assertTrue(Bodies.serialisable(new float[3]));
    assertTrue(!Bodies.serialisable((Supplier<String>) () -> "x"));
    assertTrue(!Bodies.serialisable(List.of(new Object())));
  }

  @Test
  void everyCodeIsDocumented() throws Exception {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("fedstream.docs", "../../docs"))
        .resolve("errors.md"));
    assertTrue(doc.contains("(`FederationException`"), "docs/errors.md names FederationException");
    for (String code : FederationException.CODES) {
      assertTrue(doc.contains("\n### `" + code + "`\n"), "docs/errors.md has a section for " + code);
    }
  }
}
