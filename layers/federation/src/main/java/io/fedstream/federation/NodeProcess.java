package io.fedstream.federation;

import io.fedstream.node.Message;
import io.fedstream.node.Node;
import io.fedstream.node.NodeConfig;
import io.fedstream.node.NodeException;
import io.fedstream.node.PresenceEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * One node of a {@link ClientServerFederation} in a process of its own: {@code fedstream node
 * --namespace NS --class C --id ID --classpath JAR [--arg k=v ...]} runs this, and so can a user's
 * {@code main} ({@link #run}) or {@code java -cp ... io.fedstream.federation.NodeProcess} with the
 * same options plus {@code --bootstrap} and {@code --registry}.
 *
 * <p>The node starts, becomes present, and waits for the federation (a process whose builder
 * names this id in {@code remote(...)}) to send its role, its peers and its {@code train}
 * arguments. Values given here with {@code --arg} are merged over those (the command line wins)
 * and converted to the parameter types. It then runs {@code train}, reports the end to the
 * federation, and returns. It stops early when the federation stops it or its process leaves.
 */
public final class NodeProcess {

  private NodeProcess() {
  }

  /**
   * Runs the node until its {@code train} ends or the federation stops it.
   *
   * @param config where to connect (bootstrap servers, registry, namespace); the node id is set here
   * @param type the node class
   * @param nodeId the node's id, as the federation names it
   * @param args {@code train} arguments from the command line (strings, converted to the parameter types)
   * @param startTimeout how long to wait for the federation to start this node
   * @param out where progress lines go
   * @return 0 when {@code train} returned or the federation stopped it, 1 when it failed
   * @throws FederationException {@code BAD_NODE_CLASS} or {@code BAD_ARGUMENTS} (an {@code --arg}
   *     key that is no parameter of {@code train}) before the node starts; {@code TIMEOUT} when no
   *     federation started it in time
   */
  public static int run(NodeConfig config, Class<? extends FederatedNode> type, String nodeId, Map<String, String> args,
      Duration startTimeout, PrintStream out) {
    TrainMethod method = TrainMethod.of(type);
    method.checkKeys("--arg values", args, false);
    AtomicReference<Seat> seat = new AtomicReference<>();
    AtomicReference<Thread> trainer = new AtomicReference<>();
    CompletableFuture<Object[]> started = new CompletableFuture<>();
    Disposable.Composite handles = Disposables.composite();
    try (Node node = Node.create(config.toBuilder().nodeId(nodeId).groups(Control.REMOTE_GROUP).build())) {
      handles.add(node.serve(Control.START, request -> {
        if (seat.get() != null) {
          return Mono.error(new NodeException.CallerException(nodeId + " is already training"));
        }
        try {
          Seat s = seatFor(node, request);
          Map<String, Object> merged = new LinkedHashMap<>();
          Object body = Bodies.decode(request);
          if (body instanceof Map<?, ?> m) {
            m.forEach((k, v) -> merged.put((String) k, v));
          }
          merged.putAll(args);
          Object[] call = method.arguments(s.server() ? "server args" : "client args", merged);
          seat.set(s);
          started.complete(call);
          return Mono.empty();
        } catch (RuntimeException e) {
          started.completeExceptionally(e);
          return Mono.error(new NodeException.CallerException(nodeId + " cannot start: " + e.getMessage()));
        }
      }));
      handles.add(node.serve(Control.STOP, request -> {
        Seat s = seat.get();
        if (s != null && s.runId().equals(request.attributes().get(Bodies.RUN))) {
          stop(s, trainer.get(), "the federation stopped");
        }
        return Mono.empty();
      }));
      node.start().block(startTimeout);
      out.println("node " + nodeId + " (" + type.getSimpleName() + ") is present in " + config.namespace()
          + "; waiting for the federation to start it");
      out.flush();
      Object[] call;
      try {
        call = started.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new FederationException(FederationException.TIMEOUT, "no federation started " + nodeId + " within "
            + startTimeout.toSeconds() + " s", nodeId, null);
      } catch (java.util.concurrent.ExecutionException e) {
        out.println("node " + nodeId + " could not start: " + e.getCause().getMessage());
        return 1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
      Seat s = seat.get();
      node.receive().subscribe(s.inbox());
      String control = Control.controlId(s.serverId());
      handles.add(node.presence()
          .filter(e -> e.type() == PresenceEvent.Type.LEFT && e.nodeId().equals(control))
          .subscribe(e -> stop(s, trainer.get(), "the federation's process left")));
      FederatedNode instance = method.instantiate();
      instance.attach(s);
      AtomicReference<Object> result = new AtomicReference<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          result.set(method.invoke(instance, call));
        } catch (Throwable e) {
          failure.set(e);
        }
      }, "federation-" + nodeId);
      trainer.set(t);
      t.start();
      out.println("node " + nodeId + " runs train as " + s.role() + " (server " + s.serverId() + ")");
      out.flush();
      t.join();
      Throwable f = failure.get();
      boolean stopped = s.inbox().isStopped() && (f == null || f instanceof FederationException fe
          && fe.code().equals(FederationException.STOPPED) || f instanceof InterruptedException);
      s.inbox().stop(new FederationException(FederationException.STOPPED, nodeId + " ended", nodeId, null));
      Message.Builder done = Message.builder().tag(Control.DONE).to(control).attribute(Bodies.RUN, s.runId());
      if (f != null && !stopped) {
        String code = f instanceof FederationException fe ? fe.code() : FederationException.NODE_FAILED;
        done.attribute(Control.ERROR, nodeId + " failed: " + f).attribute(Control.ERROR_CODE, code);
        out.println("node " + nodeId + " failed: " + f);
      } else if (Bodies.serialisable(result.get())) {
        Bodies.encode(done, result.get());
      }
      if (!stopped) {
        node.send(done.build()).block(Duration.ofSeconds(30));
      }
      out.println("node " + nodeId + (stopped ? " was stopped by the federation" : f != null ? " ends" : " finished"));
      out.flush();
      return f != null && !stopped ? 1 : 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      handles.dispose();
    }
  }

  private static Seat seatFor(Node node, Message start) {
    Map<String, String> a = start.attributes();
    String run = a.get(Bodies.RUN);
    String server = a.get(Control.SERVER);
    if (run == null || server == null) {
      throw new FederationException(FederationException.BAD_ARGUMENTS, "the start message lacks its run or server");
    }
    String clients = a.getOrDefault(Control.CLIENTS, "");
    List<String> ids = clients.isEmpty() ? List.of() : Arrays.asList(clients.split(","));
    boolean isServer = Boolean.parseBoolean(a.get(Control.IS_SERVER));
    Inbox inbox = new Inbox(node.id(), run, m -> !m.tag().startsWith("federation."));
    return new Seat(node, a.getOrDefault(Control.ROLE, isServer ? ClientServerFederation.SERVER_ROLE
        : ClientServerFederation.CLIENT_ROLE), isServer, server, ids, run, inbox);
  }

  private static void stop(Seat s, Thread trainer, String why) {
    s.inbox().stop(new FederationException(FederationException.STOPPED, why + "; " + s.node().id() + "'s train must end",
        s.node().id(), null));
    if (trainer != null) {
      trainer.interrupt();
    }
  }

  /**
   * {@code java -cp ... io.fedstream.federation.NodeProcess --bootstrap HOST:PORT --registry URL
   * --namespace NS --class C --id ID [--arg k=v ...] [--start-timeout SECONDS]}: runs {@link #run}
   * and exits with its status (2 for bad usage).
   */
  public static void main(String[] argv) {
    Map<String, String> opts = new LinkedHashMap<>();
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String k = argv[i];
      if (!k.startsWith("--") || i + 1 >= argv.length) {
        usage("unexpected '" + k + "'");
      }
      String v = argv[++i];
      if (k.equals("--arg")) {
        int eq = v.indexOf('=');
        if (eq < 1) {
          usage("--arg takes key=value, got '" + v + "'");
        }
        args.put(v.substring(0, eq), v.substring(eq + 1));
      } else {
        opts.put(k.substring(2), v);
      }
    }
    for (String required : List.of("bootstrap", "registry", "namespace", "class", "id")) {
      if (!opts.containsKey(required)) {
        usage("--" + required + " is required");
      }
    }
    Class<? extends FederatedNode> type = nodeClass(opts.get("class"), Thread.currentThread().getContextClassLoader());
    NodeConfig config = NodeConfig.builder().bootstrapServers(opts.get("bootstrap")).registryUrl(opts.get("registry"))
        .namespace(opts.get("namespace")).build();
    Duration timeout = Duration.ofSeconds(Long.parseLong(opts.getOrDefault("start-timeout", "600")));
    try {
      System.exit(run(config, type, opts.get("id"), args, timeout, System.out));
    } catch (FederationException e) {
      System.err.println("node " + opts.get("id") + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Loads a node class by name.
   *
   * @throws FederationException {@code BAD_NODE_CLASS} if it is missing or no {@link FederatedNode}
   */
  public static Class<? extends FederatedNode> nodeClass(String name, ClassLoader loader) {
    Class<?> c;
    try {
      c = Class.forName(name, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new FederationException(FederationException.BAD_NODE_CLASS, "class " + name
          + " not found on the class path (check --classpath): " + e, null, e);
    }
    if (!FederatedNode.class.isAssignableFrom(c)) {
      throw new FederationException(FederationException.BAD_NODE_CLASS, name + " does not extend "
          + FederatedNode.class.getName());
    }
    return c.asSubclass(FederatedNode.class);
  }

  private static void usage(String problem) {
    System.err.println("NodeProcess: " + problem + "\nusage: --bootstrap HOST:PORT --registry URL --namespace NS"
        + " --class C --id ID [--arg k=v ...] [--start-timeout SECONDS]");
    System.exit(2);
  }
}
