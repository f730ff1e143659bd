package io.fedstream.security;

import io.fedstream.node.ErrorCode;
import io.fedstream.node.Message;
import io.fedstream.node.NodeException;
import io.fedstream.node.Payload;
import io.fedstream.node.spi.Interceptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * End-to-end encryption and signatures as a node {@link Interceptor}: every payload a node sends
 * is sealed to its recipients' public keys and signed with the node's site key ({@link Sealer});
 * every message it receives is checked and opened before the node's code sees it. The router and
 * the broker carry ciphertext only.
 *
 * <pre>{@code
 * SiteKeys keys = SiteKeys.read(kit.resolve("keys"));
 * NodeConfig config = NodeConfig.builder()...interceptor(EndToEnd.of(keys, directory)).build();
 * }</pre>
 *
 * <p><b>Recipients.</b> A message with a destination (message, request, reply) is sealed to the
 * destination's public keys; one without (a broadcast, an event) to what {@link Directory#recipients}
 * returns for it, each payload encrypted once with its content key wrapped per recipient. A
 * message that carries no payload gets an empty sealed payload named {@value #SIGNATURE_PAYLOAD},
 * so that every message is signed.
 *
 * <p><b>Inbound.</b> A message whose payloads are not sealed, not signed by the source it claims,
 * not sealed to this site, or changed on the way fails with {@code BAD_SIGNATURE},
 * {@code WRONG_KEY} or {@code TAMPERED} and is dead-lettered with the reason (the SDK's interceptor
 * rule); the node keeps running. Router-made {@code TRIGGER} messages pass unchecked (the router
 * signs nothing; payloads they embed are still sealed).
 *
 * <p><b>Large payloads</b> (files and streams) are sealed segment by segment while the node reads
 * them ({@link SealedStream}); inbound, the reassembled file's header is checked at once and the
 * segments are decrypted as the node's code reads the payload: a segment changed on the way then
 * fails that read with an {@code IOException} ({@code TAMPERED}).
 *
 * <p><b>What stays readable:</b> the envelope's routing fields, tag and {@code args} (the router
 * evaluates conditions on args). Payload names and sizes are visible; content types are carried
 * inside the sealed payload's content type parameter.
 */
public final class EndToEnd implements Interceptor {

  /** Name of the empty sealed payload that signs a message without payloads. */
  public static final String SIGNATURE_PAYLOAD = "fedstream-signature";
  /** Name of the sealed payload that carries a message's args when {@link #sealingArgs()} is on. */
  public static final String ARGS_PAYLOAD = "fedstream-args";

  /** Where the public keys of the namespace's sites come from (the {@code Site} records). */
  public interface Directory {
    /**
     * The public keys of a site.
     *
     * @param siteId a node id (in a secured namespace, a site id)
     * @return its keys, or empty if unknown
     */
    Optional<SitePublicKeys> site(String siteId);

    /**
     * Who may open a message without a destination (a broadcast, an event).
     *
     * @param message the message
     * @param topic the topic it is written to
     * @return the recipients; empty fails the send with {@code REJECTED}
     */
    Collection<SitePublicKeys> recipients(Message message, String topic);
  }

  private final Sealer sealer;
  private final Directory directory;
  private final boolean sealArgs;

  private EndToEnd(Sealer sealer, Directory directory, boolean sealArgs) {
    this.sealer = sealer;
    this.directory = Objects.requireNonNull(directory, "directory");
    this.sealArgs = sealArgs;
  }

  /**
   * The same interceptor, also sealing the args of messages that have a destination (messages,
   * requests, replies): they travel inside a sealed payload named {@value #ARGS_PAYLOAD} and the
   * envelope's args are empty on the wire. Only for traffic where no router condition reads args
   * (subscriptions and the register table see broadcasts and events, whose args stay clear).
   * Receivers restore them whatever their own setting. Default: off.
   *
   * @return the interceptor with args sealing on
   */
  public EndToEnd sealingArgs() {
    return new EndToEnd(sealer, directory, true);
  }

  /**
   * The interceptor of a site.
   *
   * @param keys the site's private keys (from its kit)
   * @param directory the public keys of the others
   * @return the interceptor; thread-safe
   */
  public static EndToEnd of(SiteKeys keys, Directory directory) {
    return new EndToEnd(new Sealer(keys), directory, false);
  }

  @Override
  public Message intercept(Chain chain) {
    Message m = chain.message();
    return chain.direction() == Direction.OUTBOUND ? chain.proceed(seal(m, chain.topic())) : chain.proceed(open(m));
  }

  private Message seal(Message m, String topic) {
    Collection<SitePublicKeys> recipients;
    if (m.destination().isPresent()) {
      String d = m.destination().get();
      recipients = List.of(directory.site(d).orElseThrow(() -> new NodeException(ErrorCode.REJECTED,
          "no public key is known for " + d + "; it must publish one in its Site record before it can be sent to")));
    } else {
      recipients = directory.recipients(m, topic);
      if (recipients.isEmpty()) {
        throw new NodeException(ErrorCode.REJECTED, "no recipient keys for " + m.kind() + " " + m.id()
            + " on " + topic + "; a secured namespace sends nothing in clear");
      }
    }
    List<Payload> payloads = new ArrayList<>(m.payloads());
    Message.Builder b = m.toBuilder().clearPayloads();
    if (sealArgs && m.destination().isPresent() && !m.args().isEmpty()) {
      payloads.add(Payload.ofBytes(ARGS_PAYLOAD, ArgsCodec.encode(m.args())));
      b.clearArgs();
    }
    if (payloads.isEmpty()) {
      payloads.add(Payload.ofBytes(SIGNATURE_PAYLOAD, new byte[0]));
    }
    for (Payload p : payloads) {
      Identity id = identity(m, p.name());
      String type = sealedType(p);
      if (p.inMemory()) {
        b.payload(Payload.ofBytes(p.name(), type, sealer.seal(id, p.bytes(), recipients)));
      } else {
        SealedStream s = sealer.sealStream(id, recipients, p.size());
        b.payload(Payload.ofStream(p.name(), s.size(), () -> s.encrypt(p.openStream())).withContentType(type));
      }
    }
    return b.build();
  }

  private Message open(Message m) {
    if (m.kind() == Message.Kind.TRIGGER) {
      return m;
    }
    if (m.payloads().isEmpty() || m.payloads().stream().anyMatch(p -> !p.contentType().startsWith(Sealer.CONTENT_TYPE))) {
      throw new NodeException(ErrorCode.BAD_SIGNATURE, m.kind() + " " + m.id() + " from " + m.source()
          + " carries an unsealed payload; a secured namespace accepts only sealed, signed messages");
    }
    SitePublicKeys sender = directory.site(m.source()).orElseThrow(() -> new NodeException(ErrorCode.BAD_SIGNATURE,
        "no public key is known for the claimed source " + m.source() + " of " + m.id() + " [UNKNOWN_SENDER]"));
    Message.Builder b = m.toBuilder().clearPayloads();
    try {
      for (Payload p : m.payloads()) {
        Identity id = identity(m, p.name());
        String[] type = innerType(p.contentType());
        if (p.inMemory()) {
          byte[] plain = sealer.open(id, p.bytes(), sender);
          if (p.name().equals(ARGS_PAYLOAD)) {
            b.args(ArgsCodec.decode(plain));
          } else if (!p.name().equals(SIGNATURE_PAYLOAD)) {
            b.payload(type[1] == null ? Payload.ofBytes(p.name(), type[0], plain)
                : Payload.ofAvro(p.name(), Integer.parseInt(type[1]), plain));
          }
        } else {
          Path file = p.file().orElseThrow(() -> new NodeException(ErrorCode.TAMPERED, "payload " + p.name()
              + " of " + m.id() + " is neither in memory nor a file"));
          long size;
          try (InputStream in = Files.newInputStream(file)) {
            size = sealer.openStream(id, in, sender).size();
          }
          b.payload(Payload.ofStream(p.name(), size, () -> sealer.opening(id, Files.newInputStream(file), sender))
              .withContentType(type[0]));
        }
      }
    } catch (SealException e) {
      throw new NodeException(code(e.reason()), e.getMessage(), e);
    } catch (IOException e) {
      throw new NodeException(ErrorCode.TAMPERED, "cannot read the sealed payload of " + m.id() + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new NodeException(ErrorCode.TAMPERED, "cannot read the sealed payload of " + m.id() + ": " + e.getMessage(), e);
    }
    return b.build();
  }

  /** The error code of a seal failure. */
  public static ErrorCode code(SealException.Reason reason) {
    return switch (reason) {
      case BAD_SIGNATURE, UNKNOWN_SENDER -> ErrorCode.BAD_SIGNATURE;
      case WRONG_KEY -> ErrorCode.WRONG_KEY;
      case TAMPERED -> ErrorCode.TAMPERED;
    };
  }

  /** The identity a payload is sealed to: the message's, with the payload's name in the id. */
  static Identity identity(Message m, String payloadName) {
    return new Identity(m.id() + "#" + payloadName, m.source(), m.destination().orElse(""), m.sessionId(),
        m.createdAt().toEpochMilli());
  }

  private static String sealedType(Payload p) {
    String t = Sealer.CONTENT_TYPE + "; type=" + p.contentType().replace(";", "%3B");
    return p.schemaId().isPresent() ? t + "; schema=" + p.schemaId().getAsInt() : t;
  }

  /** The inner content type and schema id (or null) of a sealed payload's content type. */
  static String[] innerType(String sealedType) {
    String type = Payload.OCTET_STREAM;
    String schema = null;
    for (String part : sealedType.split(";")) {
      String s = part.trim();
      if (s.startsWith("type=")) {
        type = s.substring(5).replace("%3B", ";");
      } else if (s.startsWith("schema=")) {
        schema = s.substring(7);
      }
    }
    return new String[] {type, schema};
  }

  /** A directory over a fixed set of public keys: every key is a recipient of every broadcast. */
  public static Directory directoryOf(Collection<SitePublicKeys> keys) {
    List<SitePublicKeys> all = new ArrayList<>(keys);
    return new Directory() {
      @Override
      public Optional<SitePublicKeys> site(String siteId) {
        return all.stream().filter(k -> k.siteId().equals(siteId)).findFirst();
      }

      @Override
      public Collection<SitePublicKeys> recipients(Message message, String topic) {
        return all.stream().filter(k -> !k.siteId().equals(message.source())).toList();
      }
    };
  }
}
