package io.fedstream.launcher;

import io.fedstream.federation.FederatedNode;
import io.fedstream.federation.NodeProcess;
import io.fedstream.node.NodeConfig;
import java.io.File;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fedstream node}: one node of a client/server federation in this process, for federations
 * that span processes or machines (docs/federation.md).
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = {"Run one node of a client/server federation in this process: it becomes present, waits for the"
        + " federation (whose builder names this id in remote(...)) to send its role and train arguments, runs train,"
        + " and exits when train ends or the federation stops it.",
        "Without --bootstrap/--registry it uses the embedded platform running in --data-dir."})
final class NodeCommand implements Callable<Integer> {

  @Option(names = "--namespace", required = true, paramLabel = "NS", description = "The federation's namespace.")
  String namespace;

  @Option(names = "--class", required = true, paramLabel = "CLASS",
      description = "The node class (a FederatedNode with a public no-argument constructor).")
  String className;

  @Option(names = "--id", required = true, paramLabel = "ID", description = "The node's id, as the federation names it.")
  String id;

  @Option(names = "--classpath", paramLabel = "JAR[:JAR...]",
      description = "Where the node class and its dependencies are: jars or directories, ':'-separated.")
  String classpath;

  @Option(names = "--arg", paramLabel = "KEY=VALUE",
      description = "A train argument; wins over the federation's value of the same key. Repeatable.")
  List<String> args = new ArrayList<>();

  @Option(names = "--start-timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "How long to wait for the federation to start this node (default: ${DEFAULT-VALUE}).")
  long startTimeout;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka cluster (needs --registry).")
  String bootstrap;

  @Option(names = "--registry", paramLabel = "URL", description = "Confluent-compatible schema registry URL.")
  String registry;

  @Mixin
  PlatformOptions platform;

  @Override
  public Integer call() throws Exception {
    if ((bootstrap == null) != (registry == null)) {
      throw new LauncherException(LauncherException.USAGE, "--bootstrap and --registry go together.");
    }
    String kafka = bootstrap;
    String reg = registry;
    if (kafka == null) {
      EmbeddedPlatform.Endpoints running = EmbeddedPlatform.running(platform.dir()).orElseThrow(() ->
          new LauncherException(LauncherException.FAILED, "no embedded platform runs in " + platform.dataDir
              + "; start it with 'fedstream up' or give --bootstrap and --registry."));
      kafka = running.bootstrapServers();
      reg = running.registryUrl();
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 1) {
        throw new LauncherException(LauncherException.USAGE, "--arg takes KEY=VALUE, got '" + a + "'.");
      }
      values.put(a.substring(0, eq), a.substring(eq + 1));
    }
    ClassLoader loader = loader(classpath);
    Thread.currentThread().setContextClassLoader(loader);
    Class<? extends FederatedNode> type = NodeProcess.nodeClass(className, loader);
    NodeConfig config = NodeConfig.builder().bootstrapServers(kafka).registryUrl(reg).namespace(namespace).build();
    PrintStream out = System.out;
    return NodeProcess.run(config, type, id, values, Duration.ofSeconds(startTimeout), out);
  }

  private static ClassLoader loader(String classpath) throws MalformedURLException {
    ClassLoader parent = NodeCommand.class.getClassLoader();
    if (classpath == null || classpath.isBlank()) {
      return parent;
    }
    List<URL> urls = new ArrayList<>();
    for (String part : classpath.split(File.pathSeparator)) {
      Path p = Path.of(part);
      if (!Files.exists(p)) {
        throw new LauncherException(LauncherException.USAGE, "--classpath entry " + part + " does not exist.");
      }
      urls.add(p.toUri().toURL());
    }
    return new URLClassLoader(urls.toArray(new URL[0]), parent);
  }
}
