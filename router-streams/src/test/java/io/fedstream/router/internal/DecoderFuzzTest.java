package io.fedstream.router.internal;

import io.fedstream.protocol.Expression;
import io.fedstream.protocol.Condition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fedstream.avro.Envelope;
import io.fedstream.avro.Kind;
import io.fedstream.avro.Payload;
import io.fedstream.avro.Subscription;
import io.fedstream.avro.SubscriptionMode;
import io.fedstream.avro.Value;
import io.fedstream.schemas.FedStreamException;
import io.fedstream.schemas.Limits;
import io.fedstream.schemas.wire.AvroWire;
import io.fedstream.schemas.wire.SchemaRegistryClient;
import io.fedstream.schemas.wire.WireFormatException;
import io.fedstream.testkit.RegistryExtension;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.Schema;

/**
 * Property-based fuzzing of everything the router and the SDK parse from untrusted records: the
 * envelope decoder ({@link AvroWire}), the {@code Value} decoder (a subscription's conditions),
 * the router's envelope scan, the condition parser and the register-table expression parser.
 * Whatever the input, each either accepts it or rejects it with its coded exception: nothing else
 * escapes, no {@code Error} (a stack overflow) among them. The number of tries is bounded
 * ({@code jqwik.properties}), so this runs in CI.
 */
class DecoderFuzzTest {

  static final String TOPIC = "fuzz-" + UUID.randomUUID().toString().substring(0, 8) + ".mailbox";
  static final String SUBSCRIPTIONS = TOPIC.replace(".mailbox", ".subscriptions");

  static AvroWire<Envelope> envelopes;
  static AvroWire<Subscription> subscriptions;
  static Schema writer;
  static byte[] sample;
  static byte[] sampleSubscription;

  @BeforeContainer
  static void registry() {
    SchemaRegistryClient client = SchemaRegistryClient.create(RegistryExtension.shared().url());
    envelopes = AvroWire.of(Envelope.class, client);
    subscriptions = AvroWire.of(Subscription.class, client);
    sample = envelopes.encode(TOPIC, envelope(new Random(1), 3));
    writer = client.schema(envelopes.schemaId(TOPIC));
    sampleSubscription = subscriptions.encode(SUBSCRIPTIONS, subscription(new Random(2)));
  }

  // --- the envelope and Value decoders

  @Property
  void theEnvelopeDecoderAcceptsOrRejectsWithDecode(@ForAll("mutatedEnvelopes") byte[] bytes) {
    try {
      envelopes.decode(TOPIC, bytes);
    } catch (WireFormatException e) {
      assertEquals("DECODE", e.code());
      assertTrue(e.getMessage().length() < 2_000, "a bounded message");
    } catch (Throwable t) {
      fail("the envelope decoder let " + t + " escape", t);
    }
  }

  @Property
  void theValueDecoderAcceptsOrRejectsWithDecode(@ForAll("mutatedSubscriptions") byte[] bytes) {
    try {
      Subscription s = subscriptions.decode(SUBSCRIPTIONS, bytes);
      assertTrue(Limits.argsDepth(s.getConditions()) <= Limits.MAX_VALUE_DEPTH, "what decodes is within the depth");
    } catch (WireFormatException e) {
      assertEquals("DECODE", e.code());
    } catch (Throwable t) {
      fail("the Value decoder let " + t + " escape", t);
    }
  }

  @Property
  void theRouterScanAcceptsOrRejectsWithIllegalArgument(@ForAll("mutatedEnvelopes") byte[] bytes) {
    if (bytes.length < 5) {
      return;
    }
    try {
      EnvelopeScan.scan(writer, bytes, 5);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage() != null);
    } catch (Throwable t) {
      fail("the envelope scan let " + t + " escape", t);
    }
  }

  @Property(tries = 50)
  void argsNestedFarTooDeepAreRejectedNotOverflowed(@ForAll @IntRange(min = 65, max = 20_000) int depth) {
    byte[] deep = deepEnvelope(depth);
    try {
      envelopes.decode(TOPIC, deep);
      fail("args " + depth + " deep decoded");
    } catch (WireFormatException e) {
      assertEquals(WireFormatException.Problem.TOO_DEEP, e.problem());
    }
    try {
      EnvelopeScan.scan(writer, deep, 5);
      fail("args " + depth + " deep scanned");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("deeper") || e.getMessage().contains("too deep"), e.getMessage());
    }
  }

  // --- the parsers

  @Property
  void theExpressionParserAcceptsOrRejectsWithInvalidCondition(@ForAll("expressions") String text) {
    try {
      Expression e = Expression.parse(text);
      int[] counts = new int[e.units().size()];
      e.met(counts, counts);
    } catch (FedStreamException e) {
      assertEquals("INVALID_CONDITION", String.valueOf(e.code()));
      assertTrue(e.getMessage().length() < 2_000, "the message quotes a bounded part of the input");
    } catch (Throwable t) {
      fail("the expression parser let " + t + " escape on " + Limits.quote(text), t);
    }
  }

  @Property
  void theConditionParserAcceptsOrRejectsWithInvalidCondition(@ForAll("keys") String key,
      @ForAll("values") Value literal, @ForAll("values") Value arg) {
    try {
      Condition c = Condition.parse(key, literal);
      c.test(Map.of(c.key(), arg));
    } catch (FedStreamException e) {
      assertEquals("INVALID_CONDITION", String.valueOf(e.code()));
      assertTrue(e.getMessage().length() < 2_000, "the message quotes a bounded part of the input");
    } catch (Throwable t) {
      fail("the condition parser let " + t + " escape", t);
    }
  }

  // --- generators

  @Provide
  Arbitrary<byte[]> mutatedEnvelopes() {
    return mutations(() -> sample);
  }

  @Provide
  Arbitrary<byte[]> mutatedSubscriptions() {
    return mutations(() -> sampleSubscription);
  }

  /** A valid record with bytes flipped, cut, repeated or spliced in; or plain garbage. */
  private static Arbitrary<byte[]> mutations(java.util.function.Supplier<byte[]> base) {
    Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 8))
        .as((seed, n) -> {
          Random r = new Random(seed);
          byte[] b = base.get().clone();
          for (int i = 0; i < n; i++) {
            b = mutate(r, b);
          }
          return b;
        });
    Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(body -> {
      byte[] b = new byte[5 + body.length];
      System.arraycopy(sample, 0, b, 0, 5);
      System.arraycopy(body, 0, b, 5, body.length);
      return b;
    });
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, mutated), net.jqwik.api.Tuple.of(1, garbage));
  }

  private static byte[] mutate(Random r, byte[] b) {
    int body = Math.max(1, b.length - 5);
    int at = 5 + r.nextInt(body);
    switch (r.nextInt(5)) {
      case 0: { // flip a byte
        byte[] c = b.clone();
        if (at < c.length) {
          c[at] = (byte) r.nextInt(256);
        }
        return c;
      }
      case 1: // cut
        return java.util.Arrays.copyOf(b, Math.min(b.length, at));
      case 2: { // a large varint (a length or count)
        byte[] c = b.clone();
        for (int i = at; i < Math.min(c.length, at + 5); i++) {
          c[i] = (byte) (i == at + 4 ? 0x07 : 0xff);
        }
        return c;
      }
      case 3: { // repeat a slice
        int len = Math.min(b.length - at, 1 + r.nextInt(40));
        byte[] c = new byte[b.length + len];
        System.arraycopy(b, 0, c, 0, at + len);
        System.arraycopy(b, at, c, at + len, b.length - at);
        return c;
      }
      default: { // splice in the opening of an array of Values, many times
        int times = 1 + r.nextInt(3000);
        byte[] c = new byte[b.length + 2 * times];
        System.arraycopy(b, 0, c, 0, at);
        for (int i = 0; i < times; i++) {
          c[at + 2 * i] = 12;
          c[at + 2 * i + 1] = 2;
        }
        System.arraycopy(b, at, c, at + 2 * times, b.length - at);
        return c;
      }
    }
  }

  @Provide
  Arbitrary<String> expressions() {
    Arbitrary<String> token = Arbitraries.of("(", ")", "AND", "or", "OR", "w:u:1", "a:b:60%", "*:*:2",
        "x", ":", "%", "w:u:0", "w:u:101%", "w::1", "w:u:9999999999", "\u00e9:\u4e2d:1", "");
    Arbitrary<String> words = token.list().ofMaxSize(60).map(l -> String.join(" ", l));
    Arbitrary<String> deep = Arbitraries.integers().between(1, 30_000)
        .map(n -> "(".repeat(n) + "w:u:1" + ")".repeat(n));
    Arbitrary<String> unbalanced = Arbitraries.integers().between(1, 30_000).map(n -> "(".repeat(n));
    Arbitrary<String> anyText = Arbitraries.strings().ofMaxLength(200);
    Arbitrary<String> huge = Arbitraries.integers().between(1, 400_000).map(n -> "w:u:1 OR ".repeat(n / 9 + 1));
    return Arbitraries.oneOf(words, deep, unbalanced, anyText, huge);
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.oneOf(Arbitraries.of("a", "a__gt", "a__>=", "a__contains", "__gt", "a__gtt", "a__",
        "my__key__eq", ""), Arbitraries.strings().ofMaxLength(40), Arbitraries.strings().ofLength(5_000));
  }

  @Provide
  Arbitrary<Value> values() {
    Arbitrary<Value> scalar = Arbitraries.oneOf(
        Arbitraries.longs().map(Value::new),
        Arbitraries.doubles().map(Value::new),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY).map(Value::new),
        Arbitraries.strings().ofMaxLength(20).map(Value::new),
        Arbitraries.of(true, false).map(Value::new),
        Arbitraries.just(new Value((Object) null)));
    Arbitrary<Value> nested = Combinators.combine(scalar, Arbitraries.integers().between(1, 5_000),
        Arbitraries.of(true, false)).as(DecoderFuzzTest::nest);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, scalar), net.jqwik.api.Tuple.of(2, nested));
  }

  /** A value nested {@code levels} deep around a scalar, built without recursion. */
  static Value nest(Value inner, int levels, boolean lists) {
    Value v = inner;
    for (int i = 0; i < levels; i++) {
      v = lists ? new Value(new ArrayList<>(List.of(v))) : new Value(new HashMap<>(Map.of("k", v)));
    }
    return v;
  }

  // --- records

  static Envelope envelope(Random r, int args) {
    Map<String, Value> a = new HashMap<>();
    for (int i = 0; i < args; i++) {
      a.put("k" + i, r.nextBoolean() ? new Value(r.nextLong()) : new Value(List.of(new Value("s" + i))));
    }
    return Envelope.newBuilder().setMessageId(UUID.randomUUID().toString())
        .setSessionId(UUID.randomUUID().toString()).setKind(Kind.EVENT).setTag("t").setSource("s")
        .setDestination("d").setCreatedAt(Instant.EPOCH).setArgs(a)
        .setPayloads(List.of(Payload.newBuilder().setName("p").setData(ByteBuffer.wrap(new byte[] {1, 2}))
            .build()))
        .build();
  }

  static Subscription subscription(Random r) {
    Map<String, Value> c = new HashMap<>();
    c.put("a__gt", new Value(r.nextLong()));
    c.put("b", new Value(List.of(new Value("x"), new Value(Map.of("y", new Value(1L))))));
    return Subscription.newBuilder().setSubscriptionId("s1").setSubscriber("n").setRole("r").setChannel("c")
        .setInstances(List.of()).setRelationship(null).setMode(SubscriptionMode.FOREVER).setConditions(c)
        .setCreatedAt(Instant.EPOCH).build();
  }

  /** An envelope whose one arg is a list nested {@code depth} deep, written without Avro's writer. */
  static byte[] deepEnvelope(int depth) {
    Envelope e = envelope(new Random(3), 0);
    e.setArgs(Map.of("deep", new Value(1L)));
    byte[] shallow = envelopes.encode(TOPIC, e);
    // The arg's Value is the union branch 2 (long) then the long: find "deep" and replace its value.
    byte[] key = {8, 'd', 'e', 'e', 'p'};
    int at = indexOf(shallow, key) + key.length;
    byte[] out = new byte[shallow.length - 2 + 2 * depth + 1 + depth];
    System.arraycopy(shallow, 0, out, 0, at);
    int p = at;
    for (int i = 0; i < depth; i++) {
      out[p++] = 12;
      out[p++] = 2;
    }
    out[p++] = 0;
    for (int i = 0; i < depth; i++) {
      out[p++] = 0;
    }
    System.arraycopy(shallow, at + 2, out, p, shallow.length - at - 2);
    return out;
  }

  private static int indexOf(byte[] b, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= b.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("not found");
  }
}
