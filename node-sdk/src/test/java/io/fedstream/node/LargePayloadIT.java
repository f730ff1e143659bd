package io.fedstream.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

@ExtendWith(FedStreamExtension.class)
class LargePayloadIT {

  /** A deterministic stream of pseudo-random bytes: generated, never held in memory whole. */
  static final class Generated extends InputStream {
    private final long size;
    private long pos;
    private final Random random = new Random(42);
    private final byte[] block = new byte[8192];
    private int blockPos = block.length;

    Generated(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - pos);
      for (int i = 0; i < n; i++) {
        if (blockPos == block.length) {
          random.nextBytes(block);
          blockPos = 0;
        }
        b[off + i] = block[blockPos++];
      }
      pos += n;
      return n;
    }
  }

  static byte[] sha256(InputStream in) throws IOException {
    try (in) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return d.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void smallAndChunkedPayloadsRoundTrip(Platform platform, @TempDir Path dir) throws Exception {
    String ns = platform.newNamespace();
    try (Node a = Nodes.start(platform, ns, "a");
        Node b = Node.create(Nodes.config(platform, ns, "b").set(NodeConfig.TRANSFER_DIR, dir.toString()).build())) {
      b.start().block(Nodes.WAIT);
      byte[] five = new byte[5 * 1024 * 1024 + 17];
      new Random(1).nextBytes(five);
      a.send(Message.builder().tag("model").to("b").payload(Payload.ofBytes("weights", five))
          .payload(Payload.ofBytes("small", new byte[] {1, 2, 3})).arg("round", 3).build()).block(Nodes.WAIT);
      Message m = b.receive().next().block(Nodes.WAIT);
      assertTrue(m.error().isEmpty(), String.valueOf(m.error()));
      assertEquals(3L, m.arg("round"));
      Payload w = m.payload("weights").get();
      assertTrue(w.file().isPresent(), "a chunked payload arrives as a file");
      assertEquals(five.length, w.size());
      assertArrayEquals(five, Files.readAllBytes(w.file().get()));
      assertArrayEquals(new byte[] {1, 2, 3}, m.payload("small").get().bytes());
      Files.delete(w.file().get());
    }
  }

  @Test
  void oneGibibyteTransferToAReceiverWith128MiBHeap(Platform platform, @TempDir Path dir) throws Exception {
    long size = 1L << 30;
    String ns = platform.newNamespace();
    Process receiver = ChildNode.spawn("128m", "sink", platform.bootstrapServers(), platform.registryUrl(), ns,
        "receiver", dir.toString());
    try (Node a = Nodes.start(platform, ns, "sender")) {
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(receiver.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8));
      ChildNode.await(receiver, out, "READY");
      long start = System.nanoTime();
      StepVerifier.create(a.send(Message.builder().tag("big").to("receiver")
              .payload(Payload.ofStream("blob", size, () -> new Generated(size))).build()))
          .expectComplete().verify(Duration.ofMinutes(5));
      double sentS = (System.nanoTime() - start) / 1e9;
      String result = ChildNode.await(receiver, out, "RESULT");
      double totalS = (System.nanoTime() - start) / 1e9;
      String[] f = result.split(" ");
      assertEquals("-", f[3], result);
      assertEquals(Long.toString(size), f[1]);
      assertEquals(java.util.HexFormat.of().formatHex(sha256(new Generated(size))), f[2]);
      System.out.printf("1 GiB transfer: sent and acknowledged in %.1f s, reassembled and verified by a receiver"
          + " with -Xmx128m in %.1f s (%.0f MiB/s)%n", sentS, totalS, 1024 / totalS);
      assertTrue(receiver.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      receiver.destroyForcibly().waitFor();
    }
  }

  @Test
  void aStreamShorterThanAnnouncedFailsTheSendWithACodedErrorAndDeliversNothing(Platform platform, @TempDir Path dir)
      throws Exception {
    String ns = platform.newNamespace();
    int chunk = 64 * 1024;
    try (Node a = Node.create(Nodes.config(platform, ns, "a").set(NodeConfig.CHUNK_SIZE, Integer.toString(chunk))
            .build());
        Node b = Node.create(Nodes.config(platform, ns, "b").set(NodeConfig.TRANSFER_DIR, dir.toString()).build())) {
      a.start().block(Nodes.WAIT);
      b.start().block(Nodes.WAIT);
      long announced = 3L * chunk + 100; // the stream ends 50 bytes into the last chunk
      StepVerifier.create(a.send(Message.builder().tag("short").to("b")
              .payload(Payload.ofStream("blob", announced, () -> new Generated(announced - 50))).build()))
          .expectErrorSatisfies(e -> {
            assertTrue(e instanceof NodeException.CallerException, e.toString());
            assertEquals(ErrorCode.CALLER, ((NodeException) e).errorCode());
            assertTrue(e.getMessage().contains("not the announced " + announced), e.getMessage());
          })
          .verify(Nodes.WAIT);
      byte[] ok = new byte[2 * chunk + 1];
      new Random(9).nextBytes(ok);
      a.send(Message.builder().tag("after").to("b").payload(Payload.ofBytes("blob", ok)).build()).block(Nodes.WAIT);
      Message m = b.receive().next().block(Nodes.WAIT);
      assertEquals("after", m.tag(), "the failed send delivered nothing; the next one arrives whole");
      assertArrayEquals(ok, Files.readAllBytes(m.payload("blob").get().file().get()));
    }
  }
}
