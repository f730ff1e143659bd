package io.fedstream.schemas;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every error code FedStream uses, defined once. The others derive from it: the Avro enum
 * {@code io.fedstream.avro.ErrorCode} (the wire form of the {@link Scope#ENVELOPE} codes, in the
 * same order), the SDK's {@code ErrorCode}, the constants of {@code PlatformException},
 * {@code FederationException} and {@code ConnectionException}, and the exit statuses of the
 * {@code fedstream} command. The help text of each code is its section in {@code docs/errors.md}
 * ({@link #anchor()}); here it has only a one-line {@link #summary()}. {@code ErrorCodesTest}
 * checks that each code has its section there and each section is a code, and that the derived
 * forms agree with this registry.
 */
public enum ErrorRegistry {

  // Codes that travel in envelopes, in the order of the Avro enum's symbols (the wire form).

  /** A reader met a code newer than its schema. */
  UNKNOWN("the peer sent an error code this reader does not know; upgrade the reader", Scope.ENVELOPE),
  /** The handler rejected the request because of the caller. */
  CALLER("the request was invalid for the handler; fix the request", Scope.ENVELOPE),
  /** The handler failed for a reason of its own. */
  HANDLER("the handler failed; see the reason and the handler's logs", Scope.ENVELOPE),
  /** Nothing (or not enough) arrived before a deadline. */
  TIMEOUT("nothing arrived before the deadline; give more time or check that the peer runs", Scope.ENVELOPE,
      Scope.FEDERATION, Scope.CONNECTION),
  /** The destination, channel, session or handler does not exist. */
  NOT_FOUND("the destination is not alive or does not exist; check its id and that it has started", Scope.ENVELOPE),
  /** A record is not a valid value on the Confluent wire format. */
  DECODE("the record is not a FedStream value on the Confluent wire format; it was dead-lettered", Scope.ENVELOPE),
  /** A chunked payload had a missing chunk or a SHA-256 mismatch. */
  CORRUPT_PAYLOAD("a chunk of a large payload was missing or its SHA-256 did not match; resend", Scope.ENVELOPE),
  /** A subscription condition or register-table expression did not parse. */
  INVALID_CONDITION("the condition or expression does not parse; the reason points at the first bad token",
      Scope.ENVELOPE),
  /** The router, registry or node refused a command or a record over a limit. */
  REJECTED("the operation was refused; see the reason", Scope.ENVELOPE),
  /** The broker, registry or router could not be reached. */
  UNAVAILABLE("Kafka, the schema registry or the router could not be reached; check the addresses", Scope.ENVELOPE),
  /** The caller gave up, or the node closed. */
  CANCELLED("the operation was cancelled, usually because the node closed", Scope.ENVELOPE),
  /** The sender may not do this. */
  FORBIDDEN("the sender may not do this: it is not the coordinator, or not a member; see the reason", Scope.ENVELOPE),
  /** The command is well formed but not allowed now. */
  ILLEGAL_STATE("not allowed in the current state; see the reason and the state table", Scope.ENVELOPE),
  /** A command with this id was applied before. */
  DUPLICATE("a command with this id was already applied; the first outcome stands", Scope.ENVELOPE),
  /** A sealed message is not signed by the source it names. */
  BAD_SIGNATURE("the message is not signed by the source it claims; it was dead-lettered", Scope.ENVELOPE),
  /** A sealed message is not encrypted to any key the receiving site holds. */
  WRONG_KEY("the message is sealed to another site or to a retired key; it was dead-lettered", Scope.ENVELOPE),
  /** A sealed payload's ciphertext or framing was changed. */
  TAMPERED("the sealed payload was changed on the way; it was dead-lettered", Scope.ENVELOPE),

  // Codes of the platform's own processes.

  /** A port the broker, controller or registry must listen on is taken. */
  PORT_IN_USE("a port the platform must listen on is taken; the message names it", Scope.PLATFORM),
  /** A platform process exited or did not become ready in time. */
  START_FAILED("a platform process exited or was not ready in time; read its log", Scope.PLATFORM),
  /** A distribution or runtime is missing. */
  NOT_INSTALLED("a distribution or runtime is missing; build the project first", Scope.PLATFORM),
  /** Kafka's storage tool could not format the broker's data directory. */
  FORMAT_FAILED("Kafka's storage tool could not format the broker's data directory", Scope.PLATFORM),
  /** A setting of the embedded platform is invalid. */
  BAD_CONFIG("a setting of the embedded platform is invalid; the message says which", Scope.PLATFORM),
  /** A file in the data directory could not be read or written. */
  IO("a file in the data directory could not be read or written", Scope.PLATFORM),

  // Codes of the programming-model layers.

  /** An argument is unknown, missing or does not fit. */
  BAD_ARGUMENTS("an argument is unknown, missing or does not fit; the message names it", Scope.FEDERATION,
      Scope.CONNECTION),
  /** A node class cannot be used by the federation. */
  BAD_NODE_CLASS("the node class cannot be used; the message says what to change", Scope.FEDERATION),
  /** The federation's shape is wrong. */
  BAD_FEDERATION("the federation's shape is wrong; fix the builder call the message names", Scope.FEDERATION),
  /** A node's {@code train} failed, or a node of another process left. */
  NODE_FAILED("a node of the federation failed or left; read the cause", Scope.FEDERATION),
  /** The federation stopped while this node waited. */
  STOPPED("the federation stopped while this node waited; let it end train", Scope.FEDERATION),
  /** The client disconnected, died or reconnected while an instruction waited. */
  DISCONNECTED("the client disconnected while its instruction waited", Scope.CONNECTION),
  /** A client already runs an instruction. */
  BUSY("the client already runs an instruction; one at a time per client", Scope.CONNECTION),
  /** The server or the connection closed. */
  CLOSED("the server or the connection closed", Scope.CONNECTION),

  // Exit statuses of the fedstream command.

  /** A command failed: something did not start, a peer is unreachable. */
  FAILED("the command failed; the message says what and what to do", 1),
  /** Bad usage: an unknown option or command, a bad value. */
  USAGE("bad usage; the message gives the reason and the command's usage", 2),
  /** {@code status} (and commands that need the platform) found nothing running. */
  NOT_RUNNING("the platform is not running; start it with up", 3);

  /** Where a code is used; each has its group of sections in {@code docs/errors.md}. */
  public enum Scope {
    /** Travels in envelopes ({@code ErrorInfo.code}) and dead letters; the SDK's {@code ErrorCode}. */
    ENVELOPE("Codes that travel in envelopes"),
    /** {@code PlatformException}: the embedded broker, controller and registry. */
    PLATFORM("Codes of the platform's own processes"),
    /** {@code FederationException}: the client/server federation. */
    FEDERATION("Codes of the programming-model layers"),
    /** {@code ConnectionException}: the instruction/response connection. */
    CONNECTION("Codes of the programming-model layers"),
    /** An exit status of the {@code fedstream} command ({@link ErrorRegistry#exitStatus()}). */
    EXIT("Exit statuses of the fedstream command");

    private final String title;

    Scope(String title) {
      this.title = title;
    }

    /** The heading in {@code docs/errors.md} under which this scope's codes have their sections. */
    public String title() {
      return title;
    }
  }

  /** The document that holds each code's help text. */
  public static final String DOC = "docs/errors.md";

  private final String summary;
  private final Set<Scope> scopes;
  private final int exitStatus;

  ErrorRegistry(String summary, Scope first, Scope... more) {
    this.summary = summary;
    this.scopes = Collections.unmodifiableSet(EnumSet.of(first, more));
    this.exitStatus = 1;
  }

  ErrorRegistry(String summary, int exitStatus) {
    this.summary = summary;
    this.scopes = Collections.unmodifiableSet(EnumSet.of(Scope.EXIT));
    this.exitStatus = exitStatus;
  }

  /** What the code means and what to do, in one line; the full text is at {@link #anchor()}. */
  public String summary() {
    return summary;
  }

  /** Where the code is used; never empty. The first (in declaration order) names its group in the docs. */
  public Set<Scope> scopes() {
    return scopes;
  }

  /**
   * The exit status of the {@code fedstream} command for this code: its own for the {@link
   * Scope#EXIT} codes, that of {@link #FAILED} (1) for every other.
   */
  public int exitStatus() {
    return exitStatus;
  }

  /** Where the help text is: {@code docs/errors.md#} and the code in lower case (its heading's anchor). */
  public String anchor() {
    return DOC + "#" + name().toLowerCase(Locale.ROOT);
  }

  /** The summary and where to read more, for example in an error's help. */
  public String help() {
    return summary + " (" + anchor() + ")";
  }

  /**
   * The codes of one scope, in declaration order (for {@link Scope#ENVELOPE}, the Avro enum's order).
   *
   * @param scope the scope
   * @return the codes' names, never empty
   */
  public static List<String> codes(Scope scope) {
    List<String> out = new ArrayList<>();
    for (ErrorRegistry c : values()) {
      if (c.scopes.contains(scope)) {
        out.add(c.name());
      }
    }
    return List.copyOf(out);
  }

  /**
   * Whether a failure carries this code: a {@link FedStreamException} whose {@link
   * FedStreamException#code()} is this code's name.
   *
   * @param failure any throwable, may be null (then false)
   * @return true if it carries this code
   */
  public boolean isCodeOf(Throwable failure) {
    return failure instanceof FedStreamException f && f.code().equals(name());
  }
}
