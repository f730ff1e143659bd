package io.fedstream.router.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain Avro binary (no registry id) for the router's own internal topics and state stores. The
 * schema is the one compiled into this router; internal topics are rebuilt from the public ones
 * when an incompatible router version is deployed with a new application id.
 */
final class Binary {

  private Binary() {
  }

  static byte[] write(SpecificRecord r) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
      new SpecificDatumWriter<SpecificRecord>(r.getSchema()).write(r, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T extends SpecificRecord> T read(byte[] bytes, int offset, Class<T> type) {
    try {
      BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
      return new SpecificDatumReader<>(type).read(null, dec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
