package io.fedstream.launcher;

import io.fedstream.schemas.FedStreamException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fedstream} command: {@code up}, {@code down}, {@code status}, {@code demo} and
 * {@code bench}. Exit status: 0 success, 1 failure (the message says what and what to do), 2 bad
 * usage, 3 ({@code status} only) nothing runs. Errors are printed as one message, never a stack
 * trace; {@code FEDSTREAM_DEBUG=1} adds the trace.
 */
@Command(name = "fedstream", mixinStandardHelpOptions = true, version = "fedstream 0.1.0",
    description = "Messaging for distributed and federated machine learning on Apache Kafka.",
    subcommands = {UpCommand.class, DownCommand.class, StatusCommand.class, DemoCommand.class, NodeCommand.class,
        BenchCommand.class, SiteCommand.class, ProjectViews.Sites.class, ProjectViews.Projects.class,
        ProjectViews.Runs.class, ProjectViews.Logs.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  static {
    // The launcher's own logging (Kafka clients): warnings and errors only, and never Kafka's
    // connection chatter, which the launcher turns into its own messages.
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "classpath:fedstream-launcher-log4j2.properties");
    }
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits the JVM with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command line without exiting the JVM.
   *
   * @param args the command line
   * @param out where normal output goes
   * @param err where errors and usage go
   * @return the exit status
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    args = DemoCommand.withDefault(args);
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, badArgs) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("fedstream " + c.getCommandName() + ": " + ex.getMessage());
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
        c.getErr().println();
      }
      c.usage(c.getErr());
      c.getErr().flush();
      return LauncherException.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      int code = LauncherException.FAILED;
      String message;
      if (ex instanceof LauncherException le) {
        code = le.exitCode();
        message = le.getMessage();
      } else if (ex instanceof FedStreamException fe) {
        message = fe.getMessage() + " [" + fe.code() + "]";
      } else if (ex instanceof IllegalArgumentException) {
        code = LauncherException.USAGE;
        message = ex.getMessage();
      } else {
        message = "unexpected " + ex.getClass().getSimpleName() + ": " + ex.getMessage()
            + " (set FEDSTREAM_DEBUG=1 for the stack trace)";
      }
      commandLine.getErr().println("fedstream " + commandLine.getCommandName() + ": " + message);
      if (System.getenv("FEDSTREAM_DEBUG") != null) {
        ex.printStackTrace(commandLine.getErr());
      }
      commandLine.getErr().flush();
      return code;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
