package io.fedstream.node;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * A node in its own process, for tests that kill a node or bound its heap.
 *
 * <p>{@code record <bootstrap> <registry> <ns> <nodeId> <stateDir> <outFile> <commitMs>}: appends the
 * id of every received message to outFile. {@code sink <bootstrap> <registry> <ns> <nodeId> <transferDir>}:
 * receives one message and prints {@code RESULT <size> <sha256 hex> <error>}. Both print READY once started
 * and exit when stdin closes.
 */
public final class ChildNode {

  private ChildNode() {
  }

  /** Starts a child JVM running this class. */
  static Process spawn(String maxHeap, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"), ChildNode.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Reads the child's stdout until a line starts with the prefix; returns that line. */
  static String await(Process p, BufferedReader out, String prefix) throws Exception {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException("child exited with " + p.waitFor() + " before printing " + prefix);
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    NodeConfig.Builder b = NodeConfig.builder().bootstrapServers(args[1]).registryUrl(args[2]).namespace(args[3])
        .nodeId(args[4]).set(NodeConfig.HEARTBEAT_INTERVAL_MS, 200).set(NodeConfig.LIVENESS_TIMEOUT_MS, 2000);
    if (args[0].equals("record")) {
      b.set(NodeConfig.STATE_DIR, args[5]).set(NodeConfig.COMMIT_INTERVAL_MS, Integer.parseInt(args[7]));
      Node node = Node.create(b.build());
      node.start().block();
      Writer w = Files.newBufferedWriter(Path.of(args[6]), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      node.receive().subscribe(m -> {
        try {
          w.write(m.id() + "\n");
          w.flush();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      out.println("READY");
      out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      node.close();
      w.close();
    } else {
      b.set(NodeConfig.TRANSFER_DIR, args[5]);
      try (Node node = Node.create(b.build())) {
        node.start().block();
        out.println("READY");
        out.flush();
        Message m = node.receive().next().block();
        String result;
        if (m.error().isPresent()) {
          result = "0 - " + m.error().get().code();
        } else {
          Payload p = m.payload("blob").get();
          MessageDigest d = MessageDigest.getInstance("SHA-256");
          try (var in = p.openStream()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
              d.update(buf, 0, n);
            }
          }
          result = p.size() + " " + java.util.HexFormat.of().formatHex(d.digest()) + " -";
          Files.delete(p.file().get());
        }
        Runtime rt = Runtime.getRuntime();
        out.println("RESULT " + result + " maxHeapMiB=" + (rt.maxMemory() >> 20));
        out.flush();
      }
    }
  }
}
