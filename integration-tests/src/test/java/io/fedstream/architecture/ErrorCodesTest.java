package io.fedstream.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.connection.ConnectionException;
import io.fedstream.federation.FederationException;
import io.fedstream.launcher.LauncherException;
import io.fedstream.platform.PlatformException;
import io.fedstream.schemas.ErrorRegistry;
import io.fedstream.schemas.ErrorRegistry.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one registry of error codes ({@link ErrorRegistry}) and everything that must agree with it:
 * its help text (one section per code in docs/errors.md, and no section that is not a code), the
 * Avro enum (the wire form), the SDK's {@code ErrorCode}, the platform's, the layers' and the
 * launcher's codes.
 */
class ErrorCodesTest {

  private static final Pattern GROUP = Pattern.compile("^## (.+)$");
  private static final Pattern SECTION = Pattern.compile("^### (.*)$");
  private static final Pattern CODE_HEADING = Pattern.compile("`([A-Z_]+)`");

  /** A code's section: the group it is under, its text. */
  private record Section(String group, String text) {
  }

  private static Map<String, Section> sections;

  @BeforeAll
  static void readTheDocs() throws IOException {
    Path doc = Path.of(System.getProperty("fedstream.docs", "../docs")).resolve("errors.md");
    sections = new LinkedHashMap<>();
    String group = null;
    String code = null;
    StringBuilder text = new StringBuilder();
    List<String> lines = new ArrayList<>(Files.readAllLines(doc));
    lines.add("## end");
    for (String line : lines) {
      Matcher g = GROUP.matcher(line);
      Matcher s = SECTION.matcher(line);
      if (g.matches() || s.matches()) {
        if (code != null) {
          assertFalse(sections.containsKey(code), "docs/errors.md has two sections for " + code);
          sections.put(code, new Section(group, text.toString().trim()));
        }
        code = null;
        text.setLength(0);
        if (g.matches()) {
          group = g.group(1).trim();
        } else {
          Matcher c = CODE_HEADING.matcher(s.group(1).trim());
          assertTrue(c.matches(), "docs/errors.md: the section '" + s.group(1) + "' is not a code (### `CODE`)");
          code = c.group(1);
        }
      } else if (code != null) {
        text.append(line).append('\n');
      }
    }
  }

  @Test
  void everyCodeHasItsSectionAndEverySectionIsACode() {
    Set<String> registry = new HashSet<>();
    for (ErrorRegistry c : ErrorRegistry.values()) {
      registry.add(c.name());
      Section s = sections.get(c.name());
      assertTrue(s != null, "docs/errors.md has no section ### `" + c.name() + "`");
      Scope home = c.scopes().iterator().next();
      assertEquals(home.title(), s.group(), c.name() + "'s section is under the heading of its scope " + home);
      String[] parts = s.text().split("\nWhat to do: ", 2);
      assertTrue(parts.length == 2 && !parts[0].isBlank() && !parts[1].isBlank(),
          "docs/errors.md: the section of " + c.name() + " says what it means and then 'What to do: ...'");
      assertTrue(c.summary().length() > 10 && !c.summary().contains("\n"), c.name() + " has a one-line summary");
      assertEquals("docs/errors.md#" + c.name().toLowerCase(Locale.ROOT), c.anchor(), "the anchor of its heading");
    }
    Set<String> documented = new HashSet<>(sections.keySet());
    documented.removeAll(registry);
    assertEquals(Set.of(), documented, "sections of docs/errors.md that are no code of the registry");
  }

  @Test
  void theAvroEnumIsTheWireFormOfTheEnvelopeCodes() {
    List<String> avro = Arrays.stream(io.fedstream.avro.ErrorCode.values()).map(Enum::name).toList();
    assertEquals(ErrorRegistry.codes(Scope.ENVELOPE), avro, "the Avro enum's symbols, one to one and in order");
    assertEquals(avro, io.fedstream.avro.ErrorCode.SCHEMA$.getEnumSymbols());
    assertEquals("UNKNOWN", io.fedstream.avro.ErrorCode.SCHEMA$.getEnumDefault(),
        "a reader that meets a newer code reads UNKNOWN");
  }

  @Test
  void theSdksCodesAreTheEnvelopeCodesWithTheRegistrysHelp() {
    List<String> sdk = Arrays.stream(io.fedstream.node.ErrorCode.values()).map(Enum::name).toList();
    assertEquals(ErrorRegistry.codes(Scope.ENVELOPE), sdk, "the SDK's ErrorCode, one to one and in order");
    for (io.fedstream.node.ErrorCode c : io.fedstream.node.ErrorCode.values()) {
      ErrorRegistry r = ErrorRegistry.valueOf(c.name());
      assertEquals(r.summary() + " (" + r.anchor() + ")", c.help(), "the help is the registry's, not a copy");
    }
  }

  @Test
  void thePlatformsAndTheLayersCodesComeFromTheRegistry() {
    assertEquals(ErrorRegistry.codes(Scope.PLATFORM), PlatformException.CODES);
    assertEquals(Set.of(PlatformException.PORT_IN_USE, PlatformException.START_FAILED,
        PlatformException.NOT_INSTALLED, PlatformException.FORMAT_FAILED, PlatformException.BAD_CONFIG,
        PlatformException.IO), Set.copyOf(PlatformException.CODES), "every constant is a code");
    assertEquals(ErrorRegistry.codes(Scope.FEDERATION), FederationException.CODES);
    assertEquals(Set.of(FederationException.BAD_ARGUMENTS, FederationException.BAD_NODE_CLASS,
        FederationException.BAD_FEDERATION, FederationException.NODE_FAILED, FederationException.STOPPED,
        FederationException.TIMEOUT), Set.copyOf(FederationException.CODES), "every constant is a code");
    assertEquals(ErrorRegistry.codes(Scope.CONNECTION), ConnectionException.CODES);
    assertEquals(Set.of(ConnectionException.TIMEOUT, ConnectionException.BAD_ARGUMENTS,
        ConnectionException.DISCONNECTED, ConnectionException.BUSY, ConnectionException.CLOSED),
        Set.copyOf(ConnectionException.CODES), "every constant is a code");
  }

  @Test
  void thePythonClientsCodesAreEnvelopeCodes() throws IOException {
    Path errors = Path.of(System.getProperty("fedstream.docs", "../docs")).resolveSibling("python")
        .resolve("fedstream").resolve("errors.py");
    Matcher m = Pattern.compile("(?m)^    code = \"([A-Z_]+)\"$").matcher(Files.readString(errors));
    List<String> used = new ArrayList<>();
    while (m.find()) {
      used.add(m.group(1));
    }
    assertTrue(used.size() >= 9, "python/fedstream/errors.py: its error classes' codes, found " + used);
    for (String code : used) {
      assertTrue(ErrorRegistry.codes(Scope.ENVELOPE).contains(code), "python/fedstream/errors.py uses " + code
          + ", no envelope code of the registry");
    }
  }

  @Test
  void theLaunchersExitStatusesComeFromTheRegistry() {
    assertEquals(List.of("FAILED", "USAGE", "NOT_RUNNING"), ErrorRegistry.codes(Scope.EXIT));
    assertEquals(ErrorRegistry.FAILED.exitStatus(), LauncherException.FAILED);
    assertEquals(ErrorRegistry.USAGE.exitStatus(), LauncherException.USAGE);
    assertEquals(ErrorRegistry.NOT_RUNNING.exitStatus(), LauncherException.NOT_RUNNING);
    assertEquals(List.of(1, 2, 3), List.of(LauncherException.FAILED, LauncherException.USAGE,
        LauncherException.NOT_RUNNING), "the statuses docs/cli.md and docs/errors.md give");
    for (ErrorRegistry c : ErrorRegistry.values()) {
      if (!c.scopes().contains(Scope.EXIT)) {
        assertEquals(LauncherException.FAILED, c.exitStatus(), c.name() + " ends the command as FAILED");
      } else {
        assertEquals(Set.of(Scope.EXIT), c.scopes(), c.name() + " is an exit status only");
      }
    }
  }
}
