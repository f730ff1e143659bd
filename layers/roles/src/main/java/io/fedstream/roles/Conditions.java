package io.fedstream.roles;

import io.fedstream.node.EventSubscription;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The conditions of an {@link EventHandler}: pairs of {@code key} or {@code key__op} and a literal
 * written as a JSON scalar. Keys and operators are then checked by the node API's shared grammar
 * ({@link EventSubscription#conditions}), literals against their operators by the router.
 */
final class Conditions {

  private Conditions() {
  }

  static Map<String, Object> parse(String[] written) {
    if (written.length % 2 != 0) {
      throw new IllegalArgumentException("Conditions are key, literal pairs, e.g. {\"a__gt\", \"1\", \"c\", \"\\\"16\\\"\"};"
          + " got " + written.length + " items.");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < written.length; i += 2) {
      out.put(written[i].trim(), literal(written[i], written[i + 1].trim()));
    }
    EventSubscription.to("r", "c").conditions(out); // the shared grammar: throws on a bad key or operator
    return out;
  }

  static Object literal(String condition, String s) {
    if (s.equals("null")) {
      return null;
    }
    if (s.equals("true") || s.equals("false")) {
      return Boolean.valueOf(s);
    }
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    try {
      if (s.matches("-?\\d+")) {
        return Long.valueOf(s);
      }
      return Double.valueOf(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Condition '" + condition + "': literal '" + s + "' is not JSON (a number,"
          + " a \"string\", true, false or null).");
    }
  }
}
