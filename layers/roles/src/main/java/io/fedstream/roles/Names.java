package io.fedstream.roles;

import java.util.Locale;

/**
 * The one naming rule of the roles layer, for role, channel, relationship and event names alike
 * (RoleML's rule, plus one for Java's camelCase):
 *
 * <ol>
 *   <li>underscores become hyphens: {@code heavy_job} is {@code heavy-job};
 *   <li>a camelCase boundary becomes a hyphen and the name is lower-cased: {@code heavyJob} is
 *       {@code heavy-job}, {@code myEvent} is {@code my-event}, {@code XMLParser} is
 *       {@code xml-parser}.
 * </ol>
 *
 * <p>So {@code heavy_job}, {@code heavy-job} and {@code heavyJob} name the same channel, whether
 * they come from a method name, an annotation's {@code name}, or a caller's string.
 */
public final class Names {

  private Names() {
  }

  /**
   * Normalises a name by the rule above.
   *
   * @param name a role, channel, relationship or event name
   * @return the normalised name
   * @throws IllegalArgumentException if the name is null or blank, or its normal form is not
   *     made of {@code [a-z0-9-]} starting with a letter or digit
   */
  public static String of(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("A role, channel or relationship name must not be blank.");
    }
    StringBuilder b = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        b.append('-');
        continue;
      }
      if (Character.isUpperCase(c) && i > 0) {
        char prev = name.charAt(i - 1);
        boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
        if (Character.isLowerCase(prev) || Character.isDigit(prev) || (Character.isUpperCase(prev) && nextLower)) {
          b.append('-');
        }
      }
      b.append(Character.toLowerCase(c));
    }
    String out = b.toString().toLowerCase(Locale.ROOT);
    if (!out.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("Name '" + name + "' becomes '" + out + "', which is not made of letters,"
          + " digits and hyphens starting with a letter or digit.");
    }
    return out;
  }
}
