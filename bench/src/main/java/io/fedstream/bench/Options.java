package io.fedstream.bench;

import java.util.ArrayList;
import java.util.List;

/** The command line of {@link Main}: {@code NAME|all [--size tiny|small|full] [--runs N] [--bootstrap host:port] [--registry url]}. */
final class Options {
  final List<String> names;
  final Size size;
  final int runs;
  final String bootstrap;
  final String registry;

  private Options(List<String> names, Size size, int runs, String bootstrap, String registry) {
    this.names = names;
    this.size = size;
    this.runs = runs;
    this.bootstrap = bootstrap;
    this.registry = registry;
  }

  static Options parse(String[] args) {
    List<String> names = new ArrayList<>();
    Size size = Size.SMALL;
    int runs = 1;
    String bootstrap = null;
    String registry = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--size":
          size = Size.parse(value(args, ++i, a));
          break;
        case "--runs":
          try {
            runs = Integer.parseInt(value(args, ++i, a));
          } catch (NumberFormatException e) {
            throw new BenchException("--runs needs a whole number, got '" + args[i] + "'.");
          }
          if (runs < 1 || runs > 100) {
            throw new BenchException("--runs must be between 1 and 100, got " + runs + ".");
          }
          break;
        case "--bootstrap":
          bootstrap = value(args, ++i, a);
          break;
        case "--registry":
          registry = value(args, ++i, a);
          break;
        default:
          if (a.startsWith("--")) {
            throw new BenchException("Unknown option '" + a + "'. " + Main.USAGE);
          }
          names.add(a);
      }
    }
    if (names.isEmpty()) {
      throw new BenchException("Name a workload or 'all'. " + Main.USAGE);
    }
    return new Options(List.copyOf(names), size, runs, bootstrap, registry);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new BenchException(option + " needs a value. " + Main.USAGE);
    }
    return args[i];
  }
}
