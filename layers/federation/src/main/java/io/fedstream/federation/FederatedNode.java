package io.fedstream.federation;

import io.fedstream.node.Message;
import io.fedstream.node.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/**
 * A node of a {@link ClientServerFederation} (FedRay's {@code FedRayNode}): extend it, add a
 * public no-argument constructor (the default one will do) and exactly one public method named
 * {@code train} whose parameters the federation's argument maps name. Compile with {@code
 * -parameters}, or annotate each parameter with {@link Arg}.
 *
 * <pre>{@code
 * public class MessagingClient extends FederatedNode {
 *   public void train(Supplier<String> outMsg) {
 *     while (true) {
 *       send("exchange", Map.of("msg", outMsg.get()));     // a client's send goes to the server
 *       FederatedMessage msg = receive();
 *       System.out.println(id() + " received " + msg.get("msg") + " from " + msg.senderId());
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>{@code train} runs on a thread of its own. It ends when it returns, when it throws (the
 * federation then stops and reports the node's id), or when the federation stops: a node blocked
 * in {@link #receive()} is released with {@link FederationException} {@code STOPPED} and its
 * thread is interrupted (so {@code Thread.sleep} ends too); let that exception leave {@code train}.
 *
 * <p><b>Bodies.</b> A body is a JSON-like value (null, Boolean, numbers, String, List, Map with
 * String keys) or a {@code Map} whose entries may also be binary: {@code byte[]}, {@code
 * float[]}, {@code double[]} or a {@link io.fedstream.node.Payload}. Binary entries travel as the
 * node's payloads, so a large one (model weights) is cut into chunks by the core and streamed;
 * {@code float[]} and {@code double[]} are streamed from the array without a copy. The receiver
 * gets a map with the same keys: {@code float[]}, {@code double[]} and {@code byte[]} back as
 * arrays, a {@code Payload} of another content type as a {@code Payload} (read it with {@code
 * bytes()}, {@code openStream()} or {@code file()}). Ints arrive as Long, floats as Double.
 *
 * <p><b>Slow or dead clients.</b> A server that must not wait forever uses {@link
 * #receive(Duration)}, {@link #poll(Duration)} or {@link #gather(String, Collection, int,
 * Duration)}: wait for one header from a set of clients until all answered or a deadline passed,
 * and accept the round when at least a minimum answered. {@link #node()} reaches the FedStream
 * node underneath (presence, scatter, broadcast).
 */
public abstract class FederatedNode {

  private volatile Seat seat;

  /** For subclasses: a node is created by the federation with its public no-argument constructor. */
  protected FederatedNode() {
  }

  /** Called once by the federation before {@code train}. */
  final void attach(Seat s) {
    if (seat != null) {
      throw new IllegalStateException("node already attached");
    }
    seat = s;
  }

  private Seat seat() {
    Seat s = seat;
    if (s == null) {
      throw new IllegalStateException("this node is not part of a running federation; run it with ClientServerFederation");
    }
    return s;
  }

  /** This node's id ({@code server} and {@code client-1}, {@code client-2}, ... unless ids were given). */
  public final String id() {
    return seat().node().id();
  }

  /** This node's role: {@value ClientServerFederation#SERVER_ROLE} for the server, the client's role otherwise. */
  public final String role() {
    return seat().role();
  }

  /** Whether this node is the federation's server. */
  public final boolean isServer() {
    return seat().server();
  }

  /** The server's id. */
  public final String serverId() {
    return seat().serverId();
  }

  /** The clients' ids, in the federation's order. */
  public final List<String> clientIds() {
    return seat().clientIds();
  }

  /** The FedStream node underneath, for what this class does not offer (presence, scatter, broadcast). */
  public final Node node() {
    return seat().node();
  }

  /**
   * Sends a body under a header to the server (FedRay's {@code send(header, body)} from a client).
   * Blocks until the broker has the message.
   *
   * @throws FederationException {@code BAD_ARGUMENTS} if this node is the server (which must name
   *     the destination) or the body cannot travel; {@code STOPPED} if the federation stopped
   */
  public final void send(String header, Object body) {
    send(header, body, defaultDestination());
  }

  /**
   * Sends a body under a header to a node of the federation. Blocks until the broker has the
   * message (all of its chunks, for large payloads).
   *
   * @param header the header; the receiver sees it as {@link FederatedMessage#header()}
   * @param body a JSON-like value, or a map whose entries may also be byte[], float[], double[] or
   *     a Payload (see the class comment)
   * @param to the destination's id: the server or a client
   * @throws FederationException {@code BAD_ARGUMENTS} if {@code to} is not a node of the
   *     federation or the body cannot travel; {@code STOPPED} if the federation stopped
   */
  public final void send(String header, Object body, String to) {
    try {
      sendAsync(header, body, to).block();
    } catch (FederationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw stoppedOr(e);
    }
  }

  /** {@link #send(String, Object)} as a Mono: the message is built at once, sent on subscription. */
  public final Mono<Void> sendAsync(String header, Object body) {
    return sendAsync(header, body, defaultDestination());
  }

  /**
   * {@link #send(String, Object, String)} as a Mono: the checks throw at once; the send happens on
   * subscription and completes on the broker's acknowledgement.
   */
  public final Mono<Void> sendAsync(String header, Object body, String to) {
    Seat s = seat();
    if (header == null || header.isEmpty()) {
      throw new FederationException(FederationException.BAD_ARGUMENTS, "a header is required");
    }
    if (to == null || !s.isMember(to)) {
      throw new FederationException(FederationException.BAD_ARGUMENTS, id() + " cannot send '" + header + "' to "
          + to + ": not a node of this federation (server " + s.serverId() + ", clients " + s.clientIds() + ")");
    }
    if (s.inbox().isStopped()) {
      throw new FederationException(FederationException.STOPPED, "the federation stopped; " + id() + " sends no more",
          id(), null);
    }
    Message m = Bodies.encode(Message.builder().tag(header).to(to).attribute(Bodies.RUN, s.runId()), body).build();
    return s.node().send(m);
  }

  private String defaultDestination() {
    if (isServer()) {
      throw new FederationException(FederationException.BAD_ARGUMENTS,
          "the server must name the destination: send(header, body, clientId)");
    }
    return serverId();
  }

  /**
   * Waits for the next message (FedRay's {@code receive()}), as long as it takes.
   *
   * @throws FederationException {@code STOPPED} when the federation stops meanwhile (let it end
   *     {@code train})
   */
  public final FederatedMessage receive() {
    return await(seat().inbox().take(), null);
  }

  /**
   * Waits at most {@code timeout} for the next message.
   *
   * @throws FederationException {@code TIMEOUT} if none arrived in time, {@code STOPPED} when the
   *     federation stops meanwhile
   */
  public final FederatedMessage receive(Duration timeout) {
    return await(seat().inbox().take(), timeout);
  }

  /**
   * Waits at most {@code timeout} for the next message; empty if none arrived in time.
   *
   * @throws FederationException {@code STOPPED} when the federation stops meanwhile
   */
  public final Optional<FederatedMessage> poll(Duration timeout) {
    try {
      return Optional.of(receive(timeout));
    } catch (FederationException e) {
      if (e.code().equals(FederationException.TIMEOUT)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The next message as a Mono (the reactive {@code receive}): emits it on the host's delivery
   * thread, or fails with {@code STOPPED}. Cancelling gives up the wait; a message that arrives
   * afterwards goes to the next receiver.
   */
  public final Mono<FederatedMessage> receiveAsync() {
    return Mono.fromFuture(() -> seat().inbox().take(), false);
  }

  /**
   * Gathers one message with {@code header} from each of {@code from} (a server's round): returns
   * when all have answered, or when {@code deadline} has passed and at least {@code min} have.
   * Messages with another header, or from a node that already answered or is not in {@code from},
   * are kept, in order, for the next {@link #receive()}.
   *
   * @param header the header to gather
   * @param from the senders expected (for example {@link #clientIds()})
   * @param min the fewest answers that make the round good at the deadline (0 to {@code from.size()})
   * @param deadline how long to wait in all
   * @return the first answer of each sender that answered, in arrival order
   * @throws FederationException {@code TIMEOUT} naming who is missing when fewer than {@code min}
   *     answered in time; {@code STOPPED} when the federation stops meanwhile; {@code
   *     BAD_ARGUMENTS} if {@code min} is out of range
   */
  public final Map<String, FederatedMessage> gather(String header, Collection<String> from, int min, Duration deadline) {
    Set<String> expected = new LinkedHashSet<>(from);
    if (min < 0 || min > expected.size()) {
      throw new FederationException(FederationException.BAD_ARGUMENTS, "gather's min must be between 0 and "
          + expected.size() + " (the senders expected), was " + min);
    }
    long end = System.nanoTime() + deadline.toNanos();
    Map<String, FederatedMessage> got = new LinkedHashMap<>();
    List<FederatedMessage> others = new ArrayList<>();
    try {
      while (got.size() < expected.size()) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          break;
        }
        Optional<FederatedMessage> m = poll(Duration.ofNanos(left));
        if (m.isEmpty()) {
          break;
        }
        FederatedMessage fm = m.get();
        if (fm.header().equals(header) && expected.contains(fm.senderId()) && !got.containsKey(fm.senderId())) {
          got.put(fm.senderId(), fm);
        } else {
          others.add(fm);
        }
      }
    } finally {
      seat().inbox().putBack(others);
    }
    if (got.size() < min) {
      Set<String> missing = new LinkedHashSet<>(expected);
      missing.removeAll(got.keySet());
      throw new FederationException(FederationException.TIMEOUT, id() + " gathered " + got.size() + " '" + header
          + "' of the " + min + " required within " + deadline.toMillis() + " ms; missing: " + missing, id(), null);
    }
    return got;
  }

  private FederatedMessage await(CompletableFuture<FederatedMessage> f, Duration timeout) {
    try {
      return timeout == null ? f.get() : f.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new FederationException(FederationException.TIMEOUT, id() + " received nothing within " + timeout.toMillis()
          + " ms", id(), null);
    } catch (InterruptedException e) {
      f.cancel(false);
      Thread.currentThread().interrupt();
      throw new FederationException(FederationException.STOPPED, id() + " was interrupted while receiving", id(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof FederationException fe) {
        throw new FederationException(fe.code(), fe.getMessage().substring(fe.code().length() + 2), id(), fe);
      }
      throw stoppedOr(e.getCause());
    } catch (CancellationException e) {
      throw new FederationException(FederationException.STOPPED, id() + "'s receive was cancelled", id(), e);
    }
  }

  private RuntimeException stoppedOr(Throwable t) {
    if (seat().inbox().isStopped()) {
      return new FederationException(FederationException.STOPPED, "the federation stopped during " + id() + "'s call",
          id(), t);
    }
    return t instanceof RuntimeException re ? re : new IllegalStateException(t);
  }

  /** Whether the federation has stopped this node (its calls fail with {@code STOPPED}). */
  public final boolean isStopped() {
    Seat s = seat;
    return s != null && s.inbox().isStopped();
  }
}
