package io.fedstream.node.internal;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Transfer;
import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the large payloads of a message as CHUNK records (two chunks in memory: the one being
 * sent and the next, read and fed to the whole digest meanwhile), beside {@link ChunkReader} and
 * {@link Reassembler}. Does not wait per chunk. Blocking.
 */
final class ChunkWriter {

  private final HostContext ctx;
  private final Producer<String, byte[]> producer;

  ChunkWriter(HostContext ctx, Producer<String, byte[]> producer) {
    this.ctx = ctx;
    this.producer = producer;
  }

  /**
   * Sends the chunks of every payload above the chunk size, then the envelope: {@code envelope}
   * gets the message's payloads in wire form (small ones inline, large ones as their {@link
   * Transfer}) and writes it.
   *
   * @throws NodeException CALLER if a payload cannot be read or is shorter than announced,
   *     UNAVAILABLE if a chunk could not be written
   */
  void write(String topic, String key, Message m,
      java.util.function.Function<List<io.fedstream.avro.Payload>, reactor.core.publisher.Mono<Void>> envelope)
      throws Exception {
    int chunkSize = ctx.config.chunkSize();
    AtomicReference<Exception> failed = new AtomicReference<>();
    List<io.fedstream.avro.Payload> ps = new ArrayList<>();
    for (Payload p : m.payloads()) {
      if (p.size() <= chunkSize) {
        ps.add(Records.inline(p, p.bytes()));
        continue;
      }
      String transferId = java.util.UUID.randomUUID().toString();
      long size = p.size();
      int count = (int) ((size + chunkSize - 1) / chunkSize);
      MessageDigest whole = Reassembler.sha256();
      try (InputStream in = p.openStream();
           ChunkReader chunks = new ChunkReader(in, whole, size, chunkSize, "fedstream-" + ctx.hostId + "-chunk-read")) {
        long offset = 0;
        for (int i = 0; i < count; i++) {
          ByteBuffer chunk = chunks.next();
          byte[] buf = chunk.array();
          int len = chunk.remaining();
          if (len != (int) Math.min(chunkSize, size - offset)) {
            throw new NodeException.CallerException("payload '" + p.name() + "' yielded " + (offset + Math.max(len, 0))
                + " bytes, not the announced " + size);
          }
          MessageDigest d = Reassembler.sha256();
          d.update(buf, 0, len);
          Envelope ce = EnvelopeCodec.chunk(m, transferId, p.name(), i, count, offset, size, d.digest(),
              ByteBuffer.wrap(buf, 0, len));
          byte[] value = ctx.codec.encodeChunk(topic, ce);
          producer.send(new ProducerRecord<>(topic, null, key, value,
              Records.headers(ce.getMessageId(), io.fedstream.avro.Kind.CHUNK.name(), m.traceparent().orElse(null))),
              (md, ex) -> {
                if (ex != null) {
                  failed.compareAndSet(null, ex);
                } else {
                  ctx.metrics.sent(value.length);
                }
              });
          if (failed.get() != null) {
            break;
          }
          offset += len;
        }
      } catch (IOException ex) {
        throw new NodeException.CallerException("cannot read payload '" + p.name() + "': " + ex);
      }
      if (failed.get() != null) {
        break;
      }
      ps.add(io.fedstream.avro.Payload.newBuilder().setName(p.name()).setContentType(p.contentType())
          .setData(ByteBuffer.allocate(0))
          .setTransfer(Transfer.newBuilder().setTransferId(transferId).setTotalSize(size).setChunkSize(chunkSize)
              .setChunkCount(count).setSha256(ByteBuffer.wrap(whole.digest())).build())
          .build());
    }
    if (failed.get() == null) {
      envelope.apply(ps).block();
    }
    if (failed.get() != null) {
      throw new NodeException(ErrorCode.UNAVAILABLE, "a chunk of '" + m.tag() + "' failed: " + failed.get(), failed.get());
    }
  }
}
