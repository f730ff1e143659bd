package io.fedstream.node.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Transfer;
import io.fedstream.node.Message;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReassemblerTest {

  private static final int CHUNK = 1000;
  private final Offsets offsets = new Offsets();
  private final TopicPartition tp = new TopicPartition("ns.mailbox", 0);
  private final Message parent = WireBuilder.of(Message.builder()).tag("model").source("a").to("b").build();
  private long offset;

  private Envelope chunk(byte[] all, int i, byte[] override) {
    int off = i * CHUNK;
    int len = Math.min(CHUNK, all.length - off);
    byte[] data = java.util.Arrays.copyOfRange(all, off, off + len);
    byte[] sha = Reassembler.sha256().digest(data);
    return EnvelopeCodec.chunk(parent, "t1", "p", i, (all.length + CHUNK - 1) / CHUNK, off, all.length, sha,
        ByteBuffer.wrap(override != null ? override : data));
  }

  private Transfer transfer(byte[] all) {
    return Transfer.newBuilder().setTransferId("t1").setTotalSize(all.length).setChunkSize(CHUNK)
        .setChunkCount((all.length + CHUNK - 1) / CHUNK).setSha256(ByteBuffer.wrap(Reassembler.sha256().digest(all)))
        .build();
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(7).nextBytes(b);
    return b;
  }

  @Test
  void reassemblesInOrderChunksIntoAFileAndIgnoresRedeliveredChunks(@TempDir Path dir) throws Exception {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(3500);
    for (int i = 0; i < 4; i++) {
      r.chunk("ns.mailbox", chunk(all, i, null), offsets.open(tp, offset++, false), 0);
      if (i == 1) {
        r.chunk("ns.mailbox", chunk(all, 1, null), offsets.open(tp, offset++, false), 0);
      }
    }
    Reassembler.Result res = r.complete("ns.mailbox", "p", transfer(all));
    assertNull(res.error, res.error);
    assertArrayEquals(all, Files.readAllBytes(res.file));
    assertEquals(5, res.tokens.size());
    assertEquals(0, r.inProgress());
  }

  @Test
  void missingChunkFailsThatPayload(@TempDir Path dir) throws Exception {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(3500);
    r.chunk("ns.mailbox", chunk(all, 0, null), offsets.open(tp, offset++, false), 0);
    r.chunk("ns.mailbox", chunk(all, 2, null), offsets.open(tp, offset++, false), 0);
    r.chunk("ns.mailbox", chunk(all, 3, null), offsets.open(tp, offset++, false), 0);
    Reassembler.Result res = r.complete("ns.mailbox", "p", transfer(all));
    assertNotNull(res.error);
    assertTrue(res.error.contains("chunk 1 of 4 is missing"), res.error);
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "the partial file must be deleted");
    }
  }

  @Test
  void corruptChunkFailsThatPayload(@TempDir Path dir) {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(2500);
    byte[] bad = java.util.Arrays.copyOfRange(all, CHUNK, 2 * CHUNK);
    bad[10] ^= 1;
    r.chunk("ns.mailbox", chunk(all, 0, null), offsets.open(tp, offset++, false), 0);
    r.chunk("ns.mailbox", chunk(all, 1, bad), offsets.open(tp, offset++, false), 0);
    r.chunk("ns.mailbox", chunk(all, 2, null), offsets.open(tp, offset++, false), 0);
    Reassembler.Result res = r.complete("ns.mailbox", "p", transfer(all));
    assertTrue(res.error.contains("SHA-256"), res.error);
  }

  @Test
  void chunksWhoseEnvelopeNeverComesReleaseTheirPositionsAfterTheOrphanBound(@TempDir Path dir) {
    Reassembler r = new Reassembler(dir, 5 * 60_000L);
    byte[] all = data(2500);
    for (int i = 0; i < 3; i++) {
      r.chunk("ns.mailbox", chunk(all, i, null), offsets.open(tp, offset++, false), 1_000);
    }
    r.expire(1_000 + Reassembler.ORPHAN_MS - 1);
    assertEquals(1, r.inProgress(), "the envelope may still come");
    r.expire(1_000 + Reassembler.ORPHAN_MS + 1);
    assertEquals(0, r.inProgress());
    assertEquals(3L, offsets.committable().get(tp).offset(), "the orphan chunks release their positions");
    // a failed transfer (a chunk missing) waits no longer for its envelope either
    Reassembler r2 = new Reassembler(dir, 5 * 60_000L);
    r2.chunk("ns.mailbox", chunk(all, 0, null), offsets.open(tp, offset++, false), 0);
    r2.chunk("ns.mailbox", chunk(all, 2, null), offsets.open(tp, offset++, false), 0);
    r2.expire(Reassembler.ORPHAN_MS + 1);
    assertEquals(0, r2.inProgress());
    assertEquals(5L, offsets.committable().get(tp).offset());
  }

  @Test
  void noChunkAtAllFailsAndStalledTransfersAreAbandoned(@TempDir Path dir) {
    Reassembler r = new Reassembler(dir, 1000);
    byte[] all = data(2500);
    assertNotNull(r.complete("ns.mailbox", "p", transfer(all)).error);
    Offsets.Token t = offsets.open(tp, 0, false);
    r.chunk("ns.mailbox", chunk(all, 0, null), t, 0);
    r.expire(500);
    assertEquals(1, r.inProgress());
    r.expire(2000);
    assertEquals(0, r.inProgress());
    assertEquals(1L, offsets.committable().get(tp).offset(), "an abandoned transfer releases its positions");
  }

  @Test
  void wholeDigestIsChecked(@TempDir Path dir) throws Exception {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(1500);
    r.chunk("ns.mailbox", chunk(all, 0, null), offsets.open(tp, offset++, false), 0);
    r.chunk("ns.mailbox", chunk(all, 1, null), offsets.open(tp, offset++, false), 0);
    Transfer t = transfer(all);
    t.setSha256(ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(new byte[] {1})));
    assertTrue(r.complete("ns.mailbox", "p", t).error.contains("SHA-256"));
  }

  private static long files(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.count();
    }
  }

  @Test
  void corruptChunkIsNamedAndNothingIsLeftOnDisk(@TempDir Path dir) throws Exception {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(3500);
    byte[] bad = java.util.Arrays.copyOfRange(all, 2 * CHUNK, 3 * CHUNK);
    bad[999] ^= 0x40;
    for (int i = 0; i < 4; i++) {
      r.chunk("ns.mailbox", chunk(all, i, i == 2 ? bad : null), offsets.open(tp, offset++, false), 0);
    }
    Reassembler.Result res = r.complete("ns.mailbox", "p", transfer(all));
    assertNull(res.file);
    assertTrue(res.error.contains("chunk 2 of 4 does not match its SHA-256"), res.error);
    assertEquals(4, res.tokens.size(), "the failed payload still releases every chunk's position");
    assertEquals(0, files(dir), "the partial file and its digests must be deleted");
  }

  @Test
  void wrongWholeDigestWithGoodChunksNamesNoChunk(@TempDir Path dir) throws Exception {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(2500);
    for (int i = 0; i < 3; i++) {
      r.chunk("ns.mailbox", chunk(all, i, null), offsets.open(tp, offset++, false), 0);
    }
    Transfer t = transfer(all);
    t.setSha256(ByteBuffer.wrap(Reassembler.sha256().digest(data(10))));
    String error = r.complete("ns.mailbox", "p", t).error;
    assertTrue(error.startsWith("payload 'p' does not match its SHA-256"), error);
    assertEquals(0, files(dir));
  }

  @Test
  void chunkThatDoesNotStartWhereThePreviousEndedFailsThatPayload(@TempDir Path dir) throws Exception {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(2500);
    r.chunk("ns.mailbox", chunk(all, 0, null), offsets.open(tp, offset++, false), 0);
    Envelope shifted = chunk(all, 1, null);
    shifted.getChunk().setOffset(CHUNK - 10);
    r.chunk("ns.mailbox", shifted, offsets.open(tp, offset++, false), 0);
    r.chunk("ns.mailbox", chunk(all, 2, null), offsets.open(tp, offset++, false), 0);
    Reassembler.Result res = r.complete("ns.mailbox", "p", transfer(all));
    assertTrue(res.error.contains("chunk 1 of 3 starts at byte 990, not at 1000"), res.error);
    assertEquals(0, files(dir));
  }

  @Test
  void chunkWithADigestOfTheWrongLengthFailsThatPayload(@TempDir Path dir) throws Exception {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(1500);
    Envelope c0 = chunk(all, 0, null);
    c0.getChunk().setSha256(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    r.chunk("ns.mailbox", c0, offsets.open(tp, offset++, false), 0);
    r.chunk("ns.mailbox", chunk(all, 1, null), offsets.open(tp, offset++, false), 0);
    assertTrue(r.complete("ns.mailbox", "p", transfer(all)).error.contains("has a SHA-256 of 3 bytes"));
  }

  @Test
  void aGoodTransferLeavesOnlyItsFile(@TempDir Path dir) throws Exception {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(3000);
    for (int i = 0; i < 3; i++) {
      r.chunk("ns.mailbox", chunk(all, i, null), offsets.open(tp, offset++, false), 0);
    }
    Reassembler.Result res = r.complete("ns.mailbox", "p", transfer(all));
    assertNull(res.error, res.error);
    try (var files = Files.list(dir)) {
      assertEquals(java.util.List.of(res.file), files.toList());
    }
    assertArrayEquals(all, Files.readAllBytes(res.file));
  }

  @Test
  void closeAllDeletesUnfinishedFilesAndDigests(@TempDir Path dir) throws Exception {
    Reassembler r = new Reassembler(dir, 60_000);
    byte[] all = data(3000);
    r.chunk("ns.mailbox", chunk(all, 0, null), offsets.open(tp, offset++, false), 0);
    assertEquals(2, files(dir), "the partial file and its digests");
    r.closeAll();
    assertEquals(0, files(dir));
  }
}
