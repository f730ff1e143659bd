package io.fedstream.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealerTest {

  private static final SiteKeys ALICE = SiteKeys.generate("alice");
  private static final SiteKeys BOB = SiteKeys.generate("bob");
  private static final SiteKeys CAROL = SiteKeys.generate("carol");
  private static final byte[] SECRET = "MARKER-secret-gradients".getBytes(StandardCharsets.UTF_8);

  private static Identity id(String source, String destination) {
    return new Identity("m-1", source, destination, "s-1", 1_700_000_000_000L);
  }

  @Test
  void aSealedPayloadOpensForItsRecipientAndHidesThePlaintext() throws Exception {
    byte[] sealed = new Sealer(ALICE).seal(id("alice", "bob"), SECRET, List.of(BOB.publicKeys()));
    assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("MARKER"));
    assertArrayEquals(SECRET, new Sealer(BOB).open(id("alice", "bob"), sealed, ALICE.publicKeys()));
  }

  @Test
  void aBroadcastIsOneCiphertextEveryMemberOpens() throws Exception {
    Identity b = id("alice", "group-p1");
    byte[] big = new byte[100_000];
    new Random(1).nextBytes(big);
    byte[] sealed = new Sealer(ALICE).seal(b, big, List.of(BOB.publicKeys(), CAROL.publicKeys()));
    assertTrue(sealed.length < big.length + 1024, "one ciphertext plus small wraps: " + sealed.length);
    assertArrayEquals(big, new Sealer(BOB).open(b, sealed, ALICE.publicKeys()));
    assertArrayEquals(big, new Sealer(CAROL).open(b, sealed, ALICE.publicKeys()));
  }

  @Test
  void anotherSitesMessageIsWrongKey() {
    byte[] sealed = new Sealer(ALICE).seal(id("alice", "bob"), SECRET, List.of(BOB.publicKeys()));
    SealException e = assertThrows(SealException.class,
        () -> new Sealer(CAROL).open(id("alice", "bob"), sealed, ALICE.publicKeys()));
    assertEquals(SealException.Reason.WRONG_KEY, e.reason());
  }

  @Test
  void aChangedCiphertextIsTampered() {
    byte[] sealed = new Sealer(ALICE).seal(id("alice", "bob"), SECRET, List.of(BOB.publicKeys()));
    sealed[sealed.length - 5] ^= 1;
    SealException e = assertThrows(SealException.class,
        () -> new Sealer(BOB).open(id("alice", "bob"), sealed, ALICE.publicKeys()));
    assertEquals(SealException.Reason.TAMPERED, e.reason());
    byte[] cut = java.util.Arrays.copyOf(sealed, 7);
    assertEquals(SealException.Reason.TAMPERED, assertThrows(SealException.class,
        () -> new Sealer(BOB).open(id("alice", "bob"), cut, ALICE.publicKeys())).reason());
  }

  @Test
  void aSpoofedSourceOrChangedFieldIsBadSignature() {
    // carol writes as alice: she can encrypt to bob, but cannot sign with alice's key
    byte[] spoofed = new Sealer(CAROL).seal(id("alice", "bob"), SECRET, List.of(BOB.publicKeys()));
    assertEquals(SealException.Reason.BAD_SIGNATURE, assertThrows(SealException.class,
        () -> new Sealer(BOB).open(id("alice", "bob"), spoofed, ALICE.publicKeys())).reason());
    // a genuine message whose session id was changed on the way
    byte[] sealed = new Sealer(ALICE).seal(id("alice", "bob"), SECRET, List.of(BOB.publicKeys()));
    Identity changed = new Identity("m-1", "alice", "bob", "s-2", 1_700_000_000_000L);
    assertEquals(SealException.Reason.BAD_SIGNATURE, assertThrows(SealException.class,
        () -> new Sealer(BOB).open(changed, sealed, ALICE.publicKeys())).reason());
  }

  @Test
  void aSharedContentKeyStillBindsEachMessage() throws Exception {
    Sealer alice = new Sealer(ALICE);
    Sealer bob = new Sealer(BOB);
    Identity first = new Identity("m-1#p", "alice", "bob", "s-1", 1L);
    Identity second = new Identity("m-2#p", "alice", "bob", "s-1", 2L);
    byte[] one = alice.seal(first, SECRET, List.of(BOB.publicKeys()));
    byte[] two = alice.seal(second, "other".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        List.of(BOB.publicKeys()));
    // the second message reuses the first one's content key: the same wraps, no new HPKE work
    int header = 4 + 1 + 32;
    assertArrayEquals(java.util.Arrays.copyOfRange(one, header, header + 40),
        java.util.Arrays.copyOfRange(two, header, header + 40));
    assertArrayEquals(SECRET, bob.open(first, one, ALICE.publicKeys()));
    assertArrayEquals("other".getBytes(java.nio.charset.StandardCharsets.UTF_8), bob.open(second, two, ALICE.publicKeys()));
    // bob now knows the key; a message moved to another identity, or spoofed, still fails
    assertEquals(SealException.Reason.BAD_SIGNATURE, assertThrows(SealException.class,
        () -> bob.open(second, one, ALICE.publicKeys())).reason());
    byte[] spoofed = new Sealer(CAROL).seal(first, SECRET, List.of(BOB.publicKeys()));
    assertEquals(SealException.Reason.BAD_SIGNATURE, assertThrows(SealException.class,
        () -> bob.open(first, spoofed, ALICE.publicKeys())).reason());
    byte[] changed = two.clone();
    changed[changed.length - 3] ^= 1;
    assertEquals(SealException.Reason.TAMPERED, assertThrows(SealException.class,
        () -> bob.open(second, changed, ALICE.publicKeys())).reason());
    // carol, not a recipient, cannot open it however it was cached elsewhere
    assertEquals(SealException.Reason.WRONG_KEY, assertThrows(SealException.class,
        () -> new Sealer(CAROL).open(second, two, ALICE.publicKeys())).reason());
  }

  @Test
  void rotatedKeysOpenOldMessagesUntilTheGracePeriodEnds() throws Exception {
    SiteKeys bob = SiteKeys.generate("bob");
    byte[] toOld = new Sealer(ALICE).seal(id("alice", "bob"), SECRET, List.of(bob.publicKeys()));
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    SiteKeys rotated = bob.rotate(t0);
    assertFalse(rotated.publicKeys().keyId().equals(bob.publicKeys().keyId()));
    byte[] toNew = new Sealer(ALICE).seal(id("alice", "bob"), SECRET, List.of(rotated.publicKeys()));
    SiteKeys inGrace = rotated.retire(Duration.ofHours(1), t0.plus(Duration.ofMinutes(30)));
    assertEquals(2, inGrace.decryptionKeys());
    assertArrayEquals(SECRET, new Sealer(inGrace).open(id("alice", "bob"), toOld, ALICE.publicKeys()));
    assertArrayEquals(SECRET, new Sealer(inGrace).open(id("alice", "bob"), toNew, ALICE.publicKeys()));
    SiteKeys after = rotated.retire(Duration.ofHours(1), t0.plus(Duration.ofHours(2)));
    assertEquals(1, after.decryptionKeys());
    assertEquals(SealException.Reason.WRONG_KEY, assertThrows(SealException.class,
        () -> new Sealer(after).open(id("alice", "bob"), toOld, ALICE.publicKeys())).reason());
    assertArrayEquals(SECRET, new Sealer(after).open(id("alice", "bob"), toNew, ALICE.publicKeys()));
  }

  @Test
  void aStreamIsSealedSegmentBySegmentAndACutOrSwapIsDetected() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new Random(2).nextBytes(big);
    Identity s = id("alice", "bob");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream plain = new Sealer(ALICE).sealing(s, List.of(BOB.publicKeys()), big.length, out)) {
      plain.write(big);
    }
    byte[] sealed = out.toByteArray();
    // the pull form's announced size is exact for its own header (a header's length can differ
    // by a few bytes from one seal to the next, so two seals are not compared by length),
    // and both forms open to the plaintext
    SealedStream pulled = new Sealer(ALICE).sealStream(s, List.of(BOB.publicKeys()), big.length);
    byte[] pulledBytes = pulled.encrypt(new ByteArrayInputStream(big)).readAllBytes();
    assertEquals(pulled.size(), pulledBytes.length);
    assertArrayEquals(big, new Sealer(BOB).openStream(s, new ByteArrayInputStream(sealed), ALICE.publicKeys())
        .stream().readAllBytes(), "the push form opens too");
    Sealer.OpenedStream opened = new Sealer(BOB).openStream(s, new ByteArrayInputStream(pulledBytes), ALICE.publicKeys());
    assertEquals(big.length, opened.size());
    assertArrayEquals(big, opened.stream().readAllBytes());
    for (long n : new long[] {0, 1, (1 << 20) - 100, 1 << 20, 5L * (1 << 20) + 3}) {
      SealedStream z = new Sealer(ALICE).sealStream(s, List.of(BOB.publicKeys()), n);
      assertEquals(z.size(), z.encrypt(new ByteArrayInputStream(new byte[(int) n])).readAllBytes().length, "size " + n);
    }
    try (InputStream in = new Sealer(BOB).opening(s, new ByteArrayInputStream(sealed), ALICE.publicKeys())) {
      assertArrayEquals(big, in.readAllBytes());
    }
    // cut off the last segment
    byte[] cut = java.util.Arrays.copyOf(sealed, sealed.length - 1000);
    IOException e = assertThrows(IOException.class, () -> {
      try (InputStream in = new Sealer(BOB).opening(s, new ByteArrayInputStream(cut), ALICE.publicKeys())) {
        in.readAllBytes();
      }
    });
    assertInstanceOf(SealException.class, e.getCause());
    // swap a byte range between the first and second segments
    byte[] swapped = sealed.clone();
    int seg = 1024 * 1024;
    for (int i = 0; i < 64; i++) {
      byte t = swapped[seg / 2 + i];
      swapped[seg / 2 + i] = swapped[seg + seg / 2 + i];
      swapped[seg + seg / 2 + i] = t;
    }
    assertThrows(IOException.class, () -> {
      try (InputStream in = new Sealer(BOB).opening(s, new ByteArrayInputStream(swapped), ALICE.publicKeys())) {
        in.readAllBytes();
      }
    });
  }

  @Test
  void keysSurviveTheirFilesAndPublicKeysTheirBytes(@TempDir Path dir) throws Exception {
    SiteKeys k = SiteKeys.generate("dana").rotate(Instant.now());
    k.write(dir);
    SiteKeys back = SiteKeys.read(dir);
    assertEquals("dana", back.siteId());
    assertEquals(2, back.decryptionKeys());
    SitePublicKeys pub = SitePublicKeys.fromBytes("dana", Files.readAllBytes(dir.resolve("public.bin")));
    assertEquals(k.publicKeys().keyId(), pub.keyId());
    byte[] sealed = new Sealer(ALICE).seal(id("alice", "dana"), SECRET, List.of(pub));
    assertArrayEquals(SECRET, new Sealer(back).open(id("alice", "dana"), sealed, ALICE.publicKeys()));
    assertThrows(IllegalArgumentException.class, () -> SitePublicKeys.fromBytes("x", new byte[] {1, 2, 3}));
  }
}
