package io.fedstream.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/** Finds a Java runtime new enough for the embedded schema registry. */
public final class JavaRuntimes {

  /** The Java feature version the embedded registry needs. */
  public static final int REGISTRY_JAVA = 21;

  private JavaRuntimes() {
  }

  /**
   * A {@code java} executable of version {@value #REGISTRY_JAVA} or newer. Looked for, in order:
   * the system property {@code fedstream.registry.java} or the environment variable
   * {@code FEDSTREAM_REGISTRY_JAVA} (a java executable or a JDK home); this JVM; {@code JAVA_HOME};
   * the newest JDK under {@code /usr/lib/jvm}.
   *
   * @return the executable
   * @throws PlatformException {@code NOT_INSTALLED} when none is found, saying how to fix it
   */
  public static Path registryJava() {
    String override = System.getProperty("fedstream.registry.java", System.getenv("FEDSTREAM_REGISTRY_JAVA"));
    if (override != null && !override.isBlank()) {
      Path p = Path.of(override);
      Path exe = Files.isDirectory(p) ? p.resolve("bin").resolve("java") : p;
      if (!Files.isExecutable(exe)) {
        throw new PlatformException(PlatformException.NOT_INSTALLED, "FEDSTREAM_REGISTRY_JAVA points at " + override
            + ", which is not a java executable or a JDK home.");
      }
      return exe;
    }
    List<Path> homes = new ArrayList<>();
    homes.add(Path.of(System.getProperty("java.home")));
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      homes.add(Path.of(javaHome));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> s = Files.list(jvms)) {
        s.sorted(Comparator.comparing((Path h) -> version(h).orElse(0)).reversed()).forEach(homes::add);
      } catch (IOException ignored) {
        // No system JDKs to look at.
      }
    }
    for (Path home : homes) {
      Path exe = home.resolve("bin").resolve("java");
      if (version(home).orElse(0) >= REGISTRY_JAVA && Files.isExecutable(exe)) {
        return exe;
      }
    }
    throw new PlatformException(PlatformException.NOT_INSTALLED, "The embedded schema registry (Apicurio Registry 3) needs Java "
        + REGISTRY_JAVA + " or newer, and none was found (looked at this JVM, JAVA_HOME and /usr/lib/jvm). Install"
        + " one and set FEDSTREAM_REGISTRY_JAVA to it, or use an existing registry with --registry.");
  }

  /** The feature version of a Java home, read from its {@code release} file (or this JVM's own). */
  static Optional<Integer> version(Path home) {
    if (home.equals(Path.of(System.getProperty("java.home")))) {
      return Optional.of(Runtime.version().feature());
    }
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(release)) {
      p.load(in);
    } catch (IOException e) {
      return Optional.empty();
    }
    String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
    try {
      String first = v.startsWith("1.") ? v.substring(2) : v;
      return Optional.of(Integer.parseInt(first.split("[.+-]")[0]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
