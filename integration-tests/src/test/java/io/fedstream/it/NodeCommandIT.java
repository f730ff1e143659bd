package io.fedstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedstream.federation.ClientServerFederation;
import io.fedstream.federation.TrainResult;
import io.fedstream.node.NodeConfig;
import io.fedstream.testkit.FedStreamExtension;
import io.fedstream.testkit.Platform;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code fedstream node}: clients of a federation in processes of their own, their class loaded from --classpath. */
@ExtendWith(FedStreamExtension.class)
class NodeCommandIT {

  @Test
  void clientsStartedByTheCommandTrainWithAServerInThisJvm(Platform platform) throws Exception {
    String ns = platform.newNamespace();
    Path classes = Path.of(FederationNodes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = Files.createTempDirectory("node-command-it");
    List<Process> nodes = new ArrayList<>();
    try {
      for (String id : List.of("c1", "c2")) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-cp", Cli.classpath(), "io.fedstream.launcher.Main", "node",
            "--bootstrap", platform.bootstrapServers(), "--registry", platform.registryUrl(), "--namespace", ns,
            "--class", FederationNodes.Client.class.getName(), "--id", id, "--classpath", classes.toString(),
            "--start-timeout", "120"));
        if (id.equals("c2")) {
          cmd.addAll(List.of("--arg", "rounds=3"));
        }
        nodes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(id + ".log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
      }
      ClientServerFederation f = ClientServerFederation.builder()
          .config(NodeConfig.builder().bootstrapServers(platform.bootstrapServers()).registryUrl(platform.registryUrl())
              .namespace(ns).build())
          .server(FederationNodes.Server.class).client(FederationNodes.Client.class)
          .clientIds("c1", "c2").remote("c1", "c2").build();
      TrainResult r = f.train(Map.of("messages", 5), Map.of("greeting", "Hi from", "rounds", 2));
      assertEquals(TrainResult.Outcome.COMPLETED, r.outcome());
      for (int i = 0; i < nodes.size(); i++) {
        Process p = nodes.get(i);
        String id = i == 0 ? "c1" : "c2";
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), id + " ends with the federation");
        String log = Files.readString(dir.resolve(id + ".log"), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains(id + " round 2 received Hello from server from server"), log);
        if (id.equals("c2")) {
          assertTrue(log.contains("c2 round 3 received Hello from server from server"), "--arg rounds=3 wins:\n" + log);
        }
      }
    } finally {
      for (Process p : nodes) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
