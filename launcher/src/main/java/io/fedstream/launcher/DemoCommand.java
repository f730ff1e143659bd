package io.fedstream.launcher;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fedstream demo [NAME]}: the runnable examples. Each demo is a subcommand with its own
 * options and {@link DemoOptions}; {@code demo} alone runs the default one, {@code demo --list}
 * lists them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run an example on the platform: 'fedstream demo' runs the default, 'fedstream demo NAME' a named one,"
        + " 'fedstream demo --list' lists them.",
        "Without --bootstrap/--registry a demo uses the embedded platform of --data-dir, starting it first if it is"
        + " not running and stopping what it started at the end."},
    subcommands = {FedAvgDemo.class, MessagingDemo.class, ConnectionDemo.class, RolloutDemo.class, RolesDemo.class,
        ProjectDemo.class})
final class DemoCommand implements Callable<Integer> {

  /** The demo that {@code fedstream demo} runs without a name. */
  static final String DEFAULT = "fedavg";

  @Option(names = "--list", description = "List the demos, one a line, and exit.")
  boolean list;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
        String[] description = e.getValue().getCommandSpec().usageMessage().description();
        String first = description.length == 0 ? "" : description[0];
        int dot = first.indexOf(": ");
        out.printf("%-12s %s%s%n", e.getKey(), first.substring(0, dot < 0 ? first.length() : dot),
            e.getKey().equals(DEFAULT) ? " (the default)" : "");
      }
      out.flush();
      return 0;
    }
    // Main.run inserts the default demo's name when none is given (withDefault), so only a bare
    // call without any argument can reach here.
    return spec.subcommands().get(DEFAULT).execute();
  }

  /**
   * Inserts the default demo's name after {@code demo} when the command line names none, so that
   * {@code fedstream demo --rounds 2} means {@code fedstream demo DEFAULT --rounds 2}.
   *
   * @param args the whole command line
   * @return the command line, with the default demo's name inserted where it was left out
   */
  static String[] withDefault(String[] args) {
    if (args.length == 0 || !args[0].equals("demo")) {
      return args;
    }
    if (args.length > 1 && (CommandLineNames.DEMO_OPTIONS.contains(args[1]) || !args[1].startsWith("-"))) {
      return args;
    }
    String[] out = new String[args.length + 1];
    out[0] = args[0];
    out[1] = DEFAULT;
    System.arraycopy(args, 1, out, 2, args.length - 1);
    return out;
  }

  /** The options of {@code demo} itself, which never mean the default demo's options. */
  private static final class CommandLineNames {
    static final java.util.Set<String> DEMO_OPTIONS = java.util.Set.of("--list", "--help", "-h", "--version", "-V");
  }
}
