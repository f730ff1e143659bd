package io.fedstream.launcher;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fedstream down}: stops the embedded platform. */
@Command(name = "down", mixinStandardHelpOptions = true,
    description = "Stop the embedded platform of the data directory: SIGTERM to each process, up to 30 s to shut"
        + " down cleanly, then a kill. Data stays in the data directory for the next 'up'. Exits 0, also when"
        + " nothing ran.")
final class DownCommand implements Callable<Integer> {

  @Mixin
  DataDirOption data;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<String> stopped = EmbeddedPlatform.down(data.dir());
    if (stopped.isEmpty()) {
      out.println("FedStream is not running in " + data.dir().root + "; nothing to stop.");
    } else {
      stopped.forEach(out::println);
      out.println("FedStream is down (data kept in " + data.dir().root + ").");
    }
    return 0;
  }
}
