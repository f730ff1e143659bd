package io.fedstream.router.internal.projects;

import io.fedstream.router.internal.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** A registry-free codec for topology tests: Avro binary with a one-byte marker. */
final class PlainCodec implements Codec {

  @Override
  public byte[] encode(String topic, SpecificRecord value) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0x7f);
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<SpecificRecord>(value.getSchema()).write(value, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public <T extends SpecificRecord> T decode(String topic, byte[] bytes, Class<T> type) {
    if (bytes == null || bytes.length < 1 || bytes[0] != 0x7f) {
      throw new IllegalArgumentException("not a test record");
    }
    try {
      Schema s = SpecificData.get().getSchema(type);
      return new SpecificDatumReader<T>(s).read(null,
          DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("undecodable: " + e, e);
    }
  }

  @Override
  public <T extends SpecificRecord> Schema writerSchema(String topic, byte[] bytes, Class<T> type) {
    return SpecificData.get().getSchema(type);
  }

  @Override
  public byte[] header(String topic, Class<? extends SpecificRecord> type) {
    return new byte[] {0x7f};
  }
}
