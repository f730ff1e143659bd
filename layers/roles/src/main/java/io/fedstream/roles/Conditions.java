package io.fedstream.roles;

import io.fedstream.node.EventSubscription;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The conditions of an {@link EventHandler}: {@code key=literal} or {@code key__op=literal}, the
 * literal a JSON scalar. Keys and operators are then checked by the node API's shared grammar
 * ({@link EventSubscription#conditions}), literals against their operators by the router.
 */
final class Conditions {

  private static final Pattern WITH_OPERATOR = Pattern.compile("(.+?__(?:==|>=|<=|>|<|eq|gt|ge|lt|le|contains))=(.*)");

  private Conditions() {
  }

  static Map<String, Object> parse(String[] written) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String w : written) {
      Matcher m = WITH_OPERATOR.matcher(w);
      String key;
      String literal;
      if (m.matches()) {
        key = m.group(1);
        literal = m.group(2);
      } else {
        int eq = w.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("Condition '" + w + "' is not key=literal (e.g. a__gt=1, c=\"16\").");
        }
        key = w.substring(0, eq);
        literal = w.substring(eq + 1);
      }
      out.put(key.trim(), literal(w, literal.trim()));
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
