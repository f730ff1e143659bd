package io.fedstream.examples.roles;

import io.fedstream.node.GatherPolicy;
import io.fedstream.roles.Args;
import io.fedstream.roles.CallerError;
import io.fedstream.roles.GroupResult;
import io.fedstream.roles.Role;
import io.fedstream.roles.RoleInstanceId;
import io.fedstream.roles.TaskCall;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;

/**
 * RoleML's caller, a {@link Runnable} role: once READY its {@code run()} calls {@code echo} by the
 * relationship {@code service-provider} and by a {@link RoleInstanceId}, calls the task
 * {@code heavy-job}, makes a caller error on purpose, and, when asked, a group call over the
 * relationship. What it saw is in {@link #outcome()}.
 */
public class AnotherRole extends Role implements Runnable {

  /** What the calls returned. */
  public record Outcome(Object byRelationship, Object byInstance, Object task, String callerError, GroupResult group) {
  }

  private final RoleInstanceId named;
  private final boolean group;
  private final PrintWriter out;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

  /**
   * @param named the instance to call by id
   * @param group whether to make a group call over the relationship too
   * @param out where to print what happens
   */
  public AnotherRole(RoleInstanceId named, boolean group, PrintWriter out) {
    this.named = named;
    this.group = group;
    this.out = out;
  }

  @Override
  public void run() {
    try {
      Object a = call("service-provider", "echo", Args.of("comment", "helloworld"));
      say("call('service-provider', 'echo', comment=helloworld) -> " + a);
      Object b = call(named, "echo", Args.of("comment", "helloworld"));
      say("call(" + named + ", 'echo', comment=helloworld) -> " + b);
      TaskCall future = callTask("service-provider", "heavy_job", Args.empty());
      say("call_task('service-provider', 'heavy_job') sent; waiting for future.result() ...");
      Object t = future.result();
      say("future.result() -> " + t);
      String error = null;
      try {
        call("service-provider", "echo", Args.of("no-comment", true));
      } catch (CallerError e) {
        error = e.getMessage();
        say("call('service-provider', 'echo') without a comment -> CallerError: " + error);
      }
      GroupResult g = null;
      if (group) {
        g = callGroup("service-provider", "echo", Args.of("comment", "to everyone"), GatherPolicy.all());
        say("call_group('service-provider', 'echo') -> " + g.results().size() + " results from "
            + g.results().keySet() + (g.complete() ? "" : " (partial)"));
      }
      outcome.complete(new Outcome(a, b, t, error, g));
    } catch (RuntimeException e) {
      say("failed: " + e);
      outcome.completeExceptionally(e);
    }
  }

  /** Completes when {@code run()} has made every call. */
  public CompletableFuture<Outcome> outcome() {
    return outcome;
  }

  private void say(String s) {
    synchronized (out) {
      out.println("  [" + instanceId() + "] " + s);
      out.flush();
    }
  }
}
