package io.fedstream.router.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain Avro binary (datum readers and writers are thread-safe and cached per type) (no registry id) for the router's own internal topics and state stores. The
 * schema is the one compiled into this router; internal topics are rebuilt from the public ones
 * when an incompatible router version is deployed with a new application id.
 */
final class Binary {

  private static final Map<Class<?>, SpecificDatumWriter<SpecificRecord>> WRITERS = new ConcurrentHashMap<>();
  private static final Map<Class<?>, SpecificDatumReader<?>> READERS = new ConcurrentHashMap<>();

  private Binary() {
  }

  static byte[] write(SpecificRecord r) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
      WRITERS.computeIfAbsent(r.getClass(), c -> new SpecificDatumWriter<>(r.getSchema())).write(r, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T extends SpecificRecord> T read(byte[] bytes, int offset, Class<T> type) {
    try {
      BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
      @SuppressWarnings("unchecked")
      SpecificDatumReader<T> reader =
          (SpecificDatumReader<T>) READERS.computeIfAbsent(type, SpecificDatumReader::new);
      return reader.read(null, dec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
