package io.fedstream.node;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * A named blob carried by a {@link Message}: bytes in memory, a file, or a stream of known size.
 * Payloads larger than the node's chunk size ({@link NodeConfig#CHUNK_SIZE}, default 1 MiB) are
 * sent as chunks with a SHA-256 and arrive as a file ({@link #file()}), so that neither side
 * holds two copies in memory. Immutable.
 */
public final class Payload {

  /** Content type used when none is given. */
  public static final String OCTET_STREAM = "application/octet-stream";
  /** Content type of Avro binary blobs (with a registry schema id). */
  public static final String AVRO_BINARY = "avro/binary";

  private final String name;
  private final String contentType;
  private final Integer schemaId;
  private final byte[] bytes;
  private final Path file;
  private final Callable<InputStream> stream;
  private final long size;

  private Payload(String name, String contentType, Integer schemaId, byte[] bytes, Path file,
      Callable<InputStream> stream, long size) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Payload name required.");
    }
    this.name = name;
    this.contentType = contentType == null || contentType.isEmpty() ? OCTET_STREAM : contentType;
    this.schemaId = schemaId;
    this.bytes = bytes;
    this.file = file;
    this.stream = stream;
    this.size = size;
  }

  /** A payload of bytes (copied), content type {@value #OCTET_STREAM}. */
  public static Payload ofBytes(String name, byte[] data) {
    return ofBytes(name, OCTET_STREAM, data);
  }

  /** A payload of bytes (copied) with a content type. */
  public static Payload ofBytes(String name, String contentType, byte[] data) {
    Objects.requireNonNull(data, "data");
    return new Payload(name, contentType, null, data.clone(), null, null, data.length);
  }

  /**
   * An Avro-typed payload: Avro binary of the schema registered under {@code schemaId}.
   *
   * @param name payload name
   * @param schemaId the registry id of the writer schema
   * @param avroBinary the Avro binary body (no wire-format prefix)
   * @return the payload, content type {@value #AVRO_BINARY}
   */
  public static Payload ofAvro(String name, int schemaId, byte[] avroBinary) {
    Objects.requireNonNull(avroBinary, "avroBinary");
    return new Payload(name, AVRO_BINARY, schemaId, avroBinary.clone(), null, null, avroBinary.length);
  }

  /**
   * A payload read from a file when it is sent. The file must exist and must not change until
   * the send completes.
   *
   * @throws UncheckedIOException if the file's size cannot be read
   */
  public static Payload ofFile(String name, Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return new Payload(name, OCTET_STREAM, null, null, file, null, Files.size(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of payload file " + file, e);
    }
  }

  /**
   * A payload produced by a stream of exactly {@code size} bytes, opened once per send: useful to
   * send generated data of any size without a file.
   *
   * @param name payload name
   * @param size the exact number of bytes the stream yields
   * @param opener opens the stream; called on the sending thread
   * @return the payload
   */
  public static Payload ofStream(String name, long size, Callable<InputStream> opener) {
    Objects.requireNonNull(opener, "opener");
    if (size < 0) {
      throw new IllegalArgumentException("Payload size must be >= 0, was " + size);
    }
    return new Payload(name, OCTET_STREAM, null, null, null, opener, size);
  }

  /** A copy with another content type. */
  public Payload withContentType(String contentType) {
    return new Payload(name, contentType, schemaId, bytes, file, stream, size);
  }

  /** The payload's name, unique within its message. */
  public String name() {
    return name;
  }

  /** The content type; {@value #OCTET_STREAM} unless given. */
  public String contentType() {
    return contentType;
  }

  /** The registry schema id for Avro-typed payloads. */
  public OptionalInt schemaId() {
    return schemaId == null ? OptionalInt.empty() : OptionalInt.of(schemaId);
  }

  /** Size in bytes. */
  public long size() {
    return size;
  }

  /** The file holding the bytes, for file payloads and for chunked payloads that arrived. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** True when the bytes are in memory. */
  public boolean inMemory() {
    return bytes != null;
  }

  /**
   * The bytes, as a copy. Reads the file or stream for such payloads.
   *
   * @throws IllegalStateException if the payload is larger than 2 GiB - 1 (use {@link #openStream()})
   * @throws UncheckedIOException if the file or stream cannot be read
   */
  public byte[] bytes() {
    if (bytes != null) {
      return bytes.clone();
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("Payload '" + name + "' has " + size
          + " bytes, too many for an array; use openStream() or file().");
    }
    try (InputStream in = openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Opens the bytes as a stream. The caller closes it.
   *
   * @throws IOException if the file or stream cannot be opened
   */
  public InputStream openStream() throws IOException {
    if (bytes != null) {
      return new ByteArrayInputStream(bytes);
    }
    if (file != null) {
      return Files.newInputStream(file);
    }
    try {
      return stream.call();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("payload stream of '" + name + "' failed to open", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Payload)) {
      return false;
    }
    Payload p = (Payload) o;
    return name.equals(p.name) && contentType.equals(p.contentType) && Objects.equals(schemaId, p.schemaId)
        && size == p.size && Arrays.equals(bytes, p.bytes) && Objects.equals(file, p.file)
        && Objects.equals(stream, p.stream);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, contentType, schemaId, size, file);
  }

  @Override
  public String toString() {
    return "Payload{" + name + ", " + contentType + ", " + size + " bytes"
        + (file != null ? ", file=" + file : "") + "}";
  }

}
