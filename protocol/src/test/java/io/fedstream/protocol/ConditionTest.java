package io.fedstream.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.schemas.FedStreamException;
import io.fedstream.avro.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTest {

  static Value v(Object o) {
    return new Value(o);
  }

  static Map<String, Value> args(Object... kv) {
    Map<String, Value> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], v(kv[i + 1]));
    }
    return m;
  }

  static final Map<String, Value> MSG1 = args("a", 1L, "b", 2L, "c", "4");
  static final Map<String, Value> MSG2 = args("a", 2L, "b", 4L, "c", "8");
  static final Map<String, Value> MSG3 = args("a", 4L, "b", 8L, "c", "16");

  static List<Integer> receivers(Map<String, Value> conditions) {
    List<Condition> cs = Condition.parseAll(conditions);
    List<Map<String, Value>> msgs = List.of(MSG1, MSG2, MSG3);
    return java.util.stream.IntStream.range(0, 3).filter(i -> Condition.all(cs, msgs.get(i)))
        .mapToObj(i -> i + 1).toList();
  }

  @Test
  void theRoleMlExampleTable() {
    assertEquals(List.of(1), receivers(args("a", 1L)));
    assertEquals(List.of(2, 3), receivers(args("a__gt", 1L)));
    assertEquals(List.of(3), receivers(args("a__gt", 1L, "c", "16")));
    assertEquals(List.of(), receivers(args("d", 32L)));
  }

  @Test
  void everyOperatorInBothSpellings() {
    assertEquals(List.of(2), receivers(args("a__eq", 2L)));
    assertEquals(List.of(2), receivers(args("a__==", 2L)));
    assertEquals(List.of(3), receivers(args("b__>", 4L)));
    assertEquals(List.of(2, 3), receivers(args("b__ge", 4L)));
    assertEquals(List.of(2, 3), receivers(args("b__>=", 4L)));
    assertEquals(List.of(1), receivers(args("b__lt", 4L)));
    assertEquals(List.of(1), receivers(args("b__<", 4L)));
    assertEquals(List.of(1, 2), receivers(args("b__le", 4L)));
    assertEquals(List.of(1, 2), receivers(args("b__<=", 4L)));
  }

  @Test
  void numbersCompareAcrossLongAndDoubleStringsByCodePoint() {
    assertTrue(Condition.parse("a", v(2.0)).test(MSG2));
    assertTrue(Condition.parse("a__lt", v(2.5)).test(MSG2));
    // "16" < "4" as strings: strings are not numbers
    assertTrue(Condition.parse("c__lt", v("4")).test(MSG3));
    assertFalse(Condition.parse("c__gt", v(1L)).test(MSG3), "a string is not ordered against a number");
  }

  @Test
  void containsOnListsStringsAndMaps() {
    Map<String, Value> a = args("tags", List.of(v("x"), v(3L)), "name", "alice/trainer",
        "m", Map.of("k", v(1L)));
    assertTrue(Condition.parse("tags__contains", v("x")).test(a));
    assertTrue(Condition.parse("tags__contains", v(3.0)).test(a));
    assertFalse(Condition.parse("tags__contains", v("y")).test(a));
    assertTrue(Condition.parse("name__contains", v("trainer")).test(a));
    assertTrue(Condition.parse("m__contains", v("k")).test(a));
  }

  @Test
  void equalValuesHaveEqualIndexKeys() {
    Object[][] pairs = {{1L, 1.0}, {0L, -0.0}, {"x", "x"}, {true, true}, {(1L << 60) + 1, (double) (1L << 60)},
        {9007199254740993L, 9007199254740992.0}};
    for (Object[] p : pairs) {
      if (Values.same(p[0], p[1])) {
        assertEquals(Values.indexKey(p[0]), Values.indexKey(p[1]), java.util.Arrays.toString(p));
      }
    }
    assertEquals(null, Values.indexKey(List.of()));
    assertEquals(null, Values.indexKey(Double.NaN));
  }

  @Test
  void missingKeyOrNoArgsNeverMatches() {
    for (String key : List.of("z", "z__eq", "z__gt", "z__lt", "z__contains")) {
      assertFalse(Condition.parse(key, v(1L)).test(Map.of()), key);
      assertFalse(Condition.parse(key, v(1L)).test(null), key);
    }
    assertFalse(Condition.parse("z", v(null)).test(Map.of()), "null literal must not match a missing key");
    assertTrue(Condition.parse("z", v(null)).test(args("z", null)), "but matches a present null");
    assertTrue(Condition.all(List.of(), Map.of()), "no conditions: every event");
  }

  @Test
  void keysWithDoubleUnderscoreNeedAnExplicitOperator() {
    Condition c = Condition.parse("my__key__eq", v(1L));
    assertEquals("my__key", c.key());
    assertTrue(c.test(args("my__key", 1L)));
  }

  @Test
  void everyOperatorSpellingParses() {
    assertEquals(java.util.Set.of("eq", "==", "gt", ">", "ge", ">=", "lt", "<", "le", "<=", "contains"),
        Condition.OPERATORS);
    for (String op : Condition.OPERATORS) {
      assertEquals("a", Condition.parse("a__" + op.toUpperCase(java.util.Locale.ROOT), v(1L)).key(), op);
    }
  }

  @Test
  void badConditionsAreRejectedWithACode() {
    FedStreamException e = assertThrows(FedStreamException.class,
        () -> Condition.parse("a__gtt", v(1L)));
    assertEquals("INVALID_CONDITION", e.code());
    assertTrue(e.getMessage().contains("unknown operator 'gtt'"), e.getMessage());
    assertThrows(FedStreamException.class, () -> Condition.parse("", v(1L)));
    assertThrows(FedStreamException.class, () -> Condition.parse("__gt", v(1L)));
    assertThrows(FedStreamException.class, () -> Condition.parse("a__gt", v(true)));
    assertThrows(FedStreamException.class, () -> Condition.parse("a__lt", v(List.of())));
    assertThrows(FedStreamException.class, () -> Condition.parse("a__ge", v(null)));
  }
}
