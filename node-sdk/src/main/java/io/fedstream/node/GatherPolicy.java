package io.fedstream.node;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the replies of a {@code scatter} or a {@code broadcast} round are gathered: when the round
 * is released (a release policy) and what an error reply does (a failure policy). Immutable.
 *
 * <p>Release: the round completes as soon as {@link #required(int)} replies are in — every
 * expected peer by default, or at least {@code n}, or a fraction of the expected peers — or when
 * every expected peer has answered, or at the deadline, whichever comes first. At the deadline
 * the round completes with the replies it has ({@link Gathered#complete()} is false): partial
 * results, not an error.
 *
 * <p>Failure (an error reply, code other than {@code TIMEOUT}): {@link OnFailure#IGNORE} (the
 * default) records it in {@link Gathered#failures()} and keeps waiting for the others; {@link
 * OnFailure#FAIL_FAST} fails the round with that error; {@link OnFailure#RETRY} sends the request
 * to that peer again, at most {@link #maxRetries()} times, then records it; {@link
 * OnFailure#KEEP} counts the error reply as a result in {@link Gathered#replies()}.
 */
public final class GatherPolicy {

  /** What an error reply does to the round. */
  public enum OnFailure {
    /** Record it in {@link Gathered#failures()} and wait for the others. */
    IGNORE,
    /** Fail the round at once with the error. */
    FAIL_FAST,
    /** Ask that peer again, at most {@link GatherPolicy#maxRetries()} times, then record it. */
    RETRY,
    /** Count the error reply as a result. */
    KEEP
  }

  private static final GatherPolicy ALL = builder().build();

  private final int atLeast;
  private final double fraction;
  private final Duration deadline;
  private final OnFailure onFailure;
  private final int maxRetries;

  private GatherPolicy(Builder b) {
    this.atLeast = b.atLeast;
    this.fraction = b.fraction;
    this.deadline = b.deadline;
    this.onFailure = b.onFailure;
    this.maxRetries = b.maxRetries;
  }

  /** Wait for every expected peer, ignore failures, deadline from the node config. */
  public static GatherPolicy all() {
    return ALL;
  }

  /** Release at {@code n} replies; otherwise like {@link #all()}. */
  public static GatherPolicy atLeast(int n) {
    return builder().atLeast(n).build();
  }

  /** Release at {@code ceil(fraction * expected)} replies; otherwise like {@link #all()}. */
  public static GatherPolicy fraction(double fraction) {
    return builder().fraction(fraction).build();
  }

  /** A builder; defaults: all expected peers, {@link OnFailure#IGNORE}, the config's deadline. */
  public static Builder builder() {
    return new Builder();
  }

  /** The number of replies that releases a round with {@code expected} peers. */
  public int required(int expected) {
    if (atLeast > 0) {
      return atLeast;
    }
    if (fraction > 0) {
      return (int) Math.ceil(fraction * expected - 1e-9);
    }
    return expected;
  }

  /** The deadline, if given; otherwise the node's {@link NodeConfig#REQUEST_TIMEOUT_MS}. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The failure policy. */
  public OnFailure onFailure() {
    return onFailure;
  }

  /** Retries per peer under {@link OnFailure#RETRY}; 0 otherwise. */
  public int maxRetries() {
    return maxRetries;
  }

  /** A copy with another deadline. */
  public GatherPolicy withDeadline(Duration deadline) {
    Builder b = toBuilder();
    b.deadline(deadline);
    return b.build();
  }

  private Builder toBuilder() {
    Builder b = new Builder();
    b.atLeast = atLeast;
    b.fraction = fraction;
    b.deadline = deadline;
    b.onFailure = onFailure;
    b.maxRetries = maxRetries;
    return b;
  }

  @Override
  public String toString() {
    return "GatherPolicy{" + (atLeast > 0 ? "atLeast=" + atLeast : fraction > 0 ? "fraction=" + fraction : "all")
        + ", deadline=" + deadline + ", onFailure=" + onFailure
        + (onFailure == OnFailure.RETRY ? "(" + maxRetries + ")" : "") + "}";
  }

  /** Builds a {@link GatherPolicy}. */
  public static final class Builder {
    private int atLeast;
    private double fraction;
    private Duration deadline;
    private OnFailure onFailure = OnFailure.IGNORE;
    private int maxRetries;

    private Builder() {
    }

    /** Release at {@code n} replies (n >= 1). Exclusive with {@link #fraction}. */
    public Builder atLeast(int n) {
      this.atLeast = n;
      return this;
    }

    /** Release at {@code ceil(f * expected)} replies (0 < f <= 1). Exclusive with {@link #atLeast}. */
    public Builder fraction(double f) {
      this.fraction = f;
      return this;
    }

    /** Release with what is there after this long. */
    public Builder deadline(Duration deadline) {
      this.deadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** Failures are recorded and the round goes on (the default). */
    public Builder ignoreFailures() {
      this.onFailure = OnFailure.IGNORE;
      this.maxRetries = 0;
      return this;
    }

    /** The first failure fails the round. */
    public Builder failFast() {
      this.onFailure = OnFailure.FAIL_FAST;
      this.maxRetries = 0;
      return this;
    }

    /** A failing peer is asked again, at most {@code times} times (1 to 100). */
    public Builder retry(int times) {
      this.onFailure = OnFailure.RETRY;
      this.maxRetries = times;
      return this;
    }

    /** Error replies count as results. */
    public Builder keepFailures() {
      this.onFailure = OnFailure.KEEP;
      this.maxRetries = 0;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @throws IllegalArgumentException if both atLeast and fraction are set, a value is out of
     *     range, or the deadline is not positive
     */
    public GatherPolicy build() {
      if (atLeast < 0) {
        throw new IllegalArgumentException("atLeast must be >= 1, was " + atLeast);
      }
      if (fraction < 0 || fraction > 1 || Double.isNaN(fraction)) {
        throw new IllegalArgumentException("fraction must be in (0, 1], was " + fraction);
      }
      if (atLeast > 0 && fraction > 0) {
        throw new IllegalArgumentException("Set either atLeast or fraction, not both.");
      }
      if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
        throw new IllegalArgumentException("deadline must be positive, was " + deadline);
      }
      if (onFailure == OnFailure.RETRY && (maxRetries < 1 || maxRetries > 100)) {
        throw new IllegalArgumentException("retry times must be 1 to 100, was " + maxRetries);
      }
      return new GatherPolicy(this);
    }
  }
}
