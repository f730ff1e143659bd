package io.fedstream.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.node.internal.WireFields;
import io.fedstream.node.spi.Interceptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndToEndTest {

  private static final SiteKeys ALICE = SiteKeys.generate("alice");
  private static final SiteKeys BOB = SiteKeys.generate("bob");
  private static final SiteKeys CAROL = SiteKeys.generate("carol");
  private static final EndToEnd.Directory DIR =
      EndToEnd.directoryOf(List.of(ALICE.publicKeys(), BOB.publicKeys(), CAROL.publicKeys()));
  private static final byte[] MARKER = "MARKER-plaintext".getBytes(StandardCharsets.UTF_8);

  /** Runs one interceptor over a message, as the SDK's chain does, returning what reaches the end. */
  private static Message run(Interceptor i, Interceptor.Direction d, String node, Message m) {
    return i.intercept(new Interceptor.Chain() {
      private boolean called;

      @Override
      public Interceptor.Direction direction() {
        return d;
      }

      @Override
      public Message message() {
        return m;
      }

      @Override
      public String nodeId() {
        return node;
      }

      @Override
      public String topic() {
        return "ns.mailbox";
      }

      @Override
      public Message proceed(Message next) {
        if (called) {
          throw new IllegalStateException("proceed twice");
        }
        called = true;
        return next;
      }
    });
  }

  private static Message fromAlice(String to, Payload... payloads) {
    Message.Builder b = WireFields.sent(Message.builder().id("m-" + to).tag("t").sessionId("s-1").to(to).arg("round", 3),
        "alice", Instant.ofEpochMilli(1_700_000_000_000L));
    for (Payload p : payloads) {
      b.payload(p);
    }
    return b.build();
  }

  private static Message sealByAlice(Message m) {
    return run(EndToEnd.of(ALICE, DIR), Interceptor.Direction.OUTBOUND, "alice", m);
  }

  @Test
  void payloadsTravelSealedAndArriveAsSent() {
    Message wire = sealByAlice(fromAlice("bob", Payload.ofAvro("model", 42, MARKER), Payload.ofBytes("note", "text/plain", MARKER)));
    for (Payload p : wire.payloads()) {
      assertTrue(p.contentType().startsWith(Sealer.CONTENT_TYPE), p.contentType());
      assertFalse(new String(p.bytes(), StandardCharsets.ISO_8859_1).contains("MARKER"));
    }
    assertEquals(3, wire.args().get("round") instanceof Number n ? n.intValue() : -1, "args stay readable");
    Message got = run(EndToEnd.of(BOB, DIR), Interceptor.Direction.INBOUND, "bob", wire);
    assertArrayEquals(MARKER, got.payload("model").get().bytes());
    assertEquals(42, got.payload("model").get().schemaId().getAsInt());
    assertEquals("text/plain", got.payload("note").get().contentType());
  }

  @Test
  void aMessageWithoutPayloadsIsSignedToo() {
    Message wire = sealByAlice(fromAlice("bob"));
    assertEquals(List.of(EndToEnd.SIGNATURE_PAYLOAD), wire.payloads().stream().map(Payload::name).toList());
    assertTrue(run(EndToEnd.of(BOB, DIR), Interceptor.Direction.INBOUND, "bob", wire).payloads().isEmpty());
  }

  @Test
  void unsealedSpoofedMisdirectedAndTamperedMessagesFailWithTheirCodes() {
    EndToEnd bob = EndToEnd.of(BOB, DIR);
    // unsealed
    NodeException plain = assertThrows(NodeException.class, () -> run(bob, Interceptor.Direction.INBOUND, "bob",
        fromAlice("bob", Payload.ofBytes("p", MARKER))));
    assertEquals(ErrorCode.BAD_SIGNATURE, plain.errorCode());
    // carol writes as alice: her seal is not alice's signature
    Message spoofed = run(EndToEnd.of(CAROL, DIR), Interceptor.Direction.OUTBOUND, "carol", fromAlice("bob", Payload.ofBytes("p", MARKER)));
    assertEquals(ErrorCode.BAD_SIGNATURE, assertThrows(NodeException.class,
        () -> run(bob, Interceptor.Direction.INBOUND, "bob", spoofed)).errorCode());
    // sealed for carol, delivered to bob
    Message forCarol = sealByAlice(fromAlice("carol", Payload.ofBytes("p", MARKER)));
    assertEquals(ErrorCode.WRONG_KEY, assertThrows(NodeException.class,
        () -> run(bob, Interceptor.Direction.INBOUND, "bob", forCarol)).errorCode());
    // a flipped bit in the ciphertext
    Message wire = sealByAlice(fromAlice("bob", Payload.ofBytes("p", MARKER)));
    byte[] bytes = wire.payload("p").get().bytes();
    bytes[bytes.length - 3] ^= 0x10;
    Message tampered = wire.toBuilder().clearPayloads()
        .payload(Payload.ofBytes("p", wire.payload("p").get().contentType(), bytes)).build();
    assertEquals(ErrorCode.TAMPERED, assertThrows(NodeException.class,
        () -> run(bob, Interceptor.Direction.INBOUND, "bob", tampered)).errorCode());
    // payloads swapped between names: each is bound to its own name
    Message two = sealByAlice(fromAlice("bob", Payload.ofBytes("a", MARKER), Payload.ofBytes("b", new byte[] {1})));
    Message swapped = two.toBuilder().clearPayloads()
        .payload(Payload.ofBytes("a", two.payload("b").get().contentType(), two.payload("b").get().bytes()))
        .payload(Payload.ofBytes("b", two.payload("a").get().contentType(), two.payload("a").get().bytes())).build();
    assertThrows(NodeException.class, () -> run(bob, Interceptor.Direction.INBOUND, "bob", swapped));
  }

  @Test
  void aBroadcastIsSealedOnceForEveryRecipient() {
    Message b = WireFields.sent(Message.builder().id("b-1").tag("model"), "alice", Instant.ofEpochMilli(1L))
        .payload(Payload.ofBytes("w", MARKER)).build();
    Message wire = sealByAlice(b);
    assertArrayEquals(MARKER, run(EndToEnd.of(BOB, DIR), Interceptor.Direction.INBOUND, "bob", wire).payload("w").get().bytes());
    assertArrayEquals(MARKER, run(EndToEnd.of(CAROL, DIR), Interceptor.Direction.INBOUND, "carol", wire).payload("w").get().bytes());
  }

  @Test
  void aLargePayloadIsSealedAsAStreamAndOpenedFromItsFile(@TempDir Path dir) throws Exception {
    byte[] big = new byte[2 * 1024 * 1024 + 5];
    new Random(3).nextBytes(big);
    Path in = Files.write(dir.resolve("in.bin"), big);
    Message wire = sealByAlice(fromAlice("bob", Payload.ofFile("big", in)));
    Payload sealed = wire.payload("big").get();
    Path arrived = dir.resolve("arrived.bin");
    try (var s = sealed.openStream()) {
      Files.copy(s, arrived);
    }
    assertEquals(sealed.size(), Files.size(arrived), "the announced size is exact");
    Message received = wire.toBuilder().clearPayloads()
        .payload(Payload.ofFile("big", arrived).withContentType(sealed.contentType())).build();
    Message got = run(EndToEnd.of(BOB, DIR), Interceptor.Direction.INBOUND, "bob", received);
    assertEquals(big.length, got.payload("big").get().size());
    try (var s = got.payload("big").get().openStream()) {
      assertArrayEquals(big, s.readAllBytes());
    }
  }

  @Test
  void sealedArgsLeaveTheEnvelopeEmptyAndComeBack() {
    Message m = WireFields.sent(Message.builder().id("m-args").tag("t").to("bob")
        .arg("secret", "MARKER-arg").arg("n", 7).arg("nested", java.util.Map.of("l", List.of(1.5, true, "x"))),
        "alice", Instant.ofEpochMilli(5L)).build();
    Message wire = run(EndToEnd.of(ALICE, DIR).sealingArgs(), Interceptor.Direction.OUTBOUND, "alice", m);
    assertTrue(wire.args().isEmpty(), wire.args().toString());
    assertEquals(List.of(EndToEnd.ARGS_PAYLOAD), wire.payloads().stream().map(Payload::name).toList());
    Message got = run(EndToEnd.of(BOB, DIR), Interceptor.Direction.INBOUND, "bob", wire);
    assertEquals(m.args(), got.args());
    assertTrue(got.payloads().isEmpty());
  }
}
