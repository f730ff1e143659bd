package io.fedstream.examples.rollout;

import io.fedstream.proxy.Message;
import io.fedstream.proxy.Proxy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A plain local class: it runs rollouts of a toy environment. {@link Dist} makes it a distributed
 * worker by binding {@link #onRollout} to the event {@code master:rollout:1}.
 */
public final class Worker {

  private final String name;
  private final PrintWriter out;
  private final List<String> got = Collections.synchronizedList(new ArrayList<>());

  /** A worker that prints what it does to {@code out}. */
  public Worker(String name, PrintWriter out) {
    this.name = name;
    this.out = out;
  }

  /** One episode of the toy environment: a seeded random walk, its total reward. */
  static double rollout(long seed, int steps) {
    Random r = new Random(seed);
    double reward = 0;
    for (int i = 0; i < steps; i++) {
      reward += r.nextDouble() - 0.25;
    }
    return Math.round(reward * 100) / 100.0;
  }

  /**
   * The handler of {@code master:rollout:1}: for each rollout request gathered, run it and reply
   * an {@code update} with the reward.
   */
  public void onRollout(Proxy proxy, List<Message> messages) {
    for (Message m : messages) {
      Map<?, ?> p = (Map<?, ?>) m.payload();
      long round = ((Number) p.get("round")).longValue();
      int steps = ((Number) p.get("steps")).intValue();
      double reward = rollout(name.hashCode() * 31L + round, steps);
      got.add(m.tag() + " round " + round);
      synchronized (out) {
        out.printf("  [%s] onRollout got %d message(s): %s from %s, round %d (%s session %s) -> reward %.2f%n", name,
            messages.size(), m.tag(), m.source(), round, m.sessionType(), m.sessionId().substring(0, 8), reward);
        out.flush();
      }
      proxy.reply(m, "update", Map.of("worker", name, "round", round, "reward", reward));
    }
  }

  /** What this worker's handler got, in order. */
  public List<String> got() {
    return List.copyOf(got);
  }
}
