package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fedstream.avro.Envelope;
import io.fedstream.node.Message;
import io.fedstream.schemas.Topics;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chunk path of the codec against a real registry: a chunk encodes to exactly its wire size
 * (assertions are on in tests) from a slice of a larger buffer, and successive chunks decode into
 * one reused envelope, while anything else decodes into an envelope of its own.
 */
@ExtendWith(FedStreamExtension.class)
class ChunkCodecIT {

  private final Message parent = WireBuilder.of(Message.builder()).tag("model").source("a").to("b").build();

  private static Envelope chunk(Message parent, int index, ByteBuffer data) {
    return EnvelopeCodec.chunk(parent, "t1", "p", index, 300, (long) index * 1000, 300_000,
        Reassembler.sha256().digest(Reassembler.bytes(data)), data);
  }

  @Test
  void chunksEncodeExactlyAndDecodeIntoOneReusedEnvelope(Platform platform) {
    EnvelopeCodec codec = new EnvelopeCodec(SchemaRegistryClient.create(platform.registryUrl()));
    String topic = Topics.mailbox(platform.newNamespace());
    byte[] big = new byte[70_000];
    new Random(5).nextBytes(big);
    // Lengths around the varint steps (63/64, 8191/8192) and index 0..299 (ids of 1 to 3 digits).
    int[] lengths = {0, 1, 63, 64, 65, 8191, 8192, 8193, 65_536, 69_000};
    Envelope previous = null;
    for (int i = 0; i < 300; i++) {
      int len = lengths[i % lengths.length];
      int from = i % 97;
      byte[] wire = codec.encodeChunk(topic, chunk(parent, i, ByteBuffer.wrap(big, from, len)));
      assertEquals(wire.length, codec.encode(topic, chunk(parent, i, ByteBuffer.wrap(big, from, len)), 16).length);
      Envelope e = codec.decodeChunk(topic, wire);
      if (previous != null) {
        assertSame(previous, e, "chunk " + i + " decodes into the previous chunk's envelope");
      }
      previous = e;
      assertEquals("t1/" + i, e.getMessageId());
      assertEquals(i, e.getChunk().getIndex());
      assertArrayEquals(java.util.Arrays.copyOfRange(big, from, from + len), Reassembler.bytes(e.getPayloads().get(0).getData()));
    }
    Envelope plain = EnvelopeCodec.toEnvelope(parent, List.of());
    Envelope notAChunk = codec.decodeChunk(topic, codec.encode(topic, plain, 64));
    assertSame(previous, notAChunk, "a record whose header lied is decoded and handed out");
    assertEquals(io.fedstream.avro.Kind.MESSAGE, notAChunk.getKind());
    Envelope next = codec.decodeChunk(topic, codec.encodeChunk(topic, chunk(parent, 7, ByteBuffer.wrap(big, 0, 10))));
    assertNotSame(notAChunk, next, "what was handed out is never decoded into again");
    assertEquals(io.fedstream.avro.Kind.MESSAGE, notAChunk.getKind());
    assertEquals(7, next.getChunk().getIndex());
  }
}
