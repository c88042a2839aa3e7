package io.cdcrelay.local;

import io.cdcrelay.sink.Redaction;
import io.cdcrelay.sink.TargetUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long the local relay of a stream rides out a failing target database or stream ({@code
 * --give-up-after}): each step against the database (the first connection of any {@code load}, a
 * checkpoint read or written, the lease, a batch applied) or the stream (a shard's reads) counts
 * from its first failure since it last succeeded, and the first step that has failed for longer
 * than the limit stops the relay, which then says why ({@link #gaveUp}).
 */
public final class OutageLimit {

  private static final Logger LOG = LoggerFactory.getLogger(OutageLimit.class);

  /**
   * Why the relay gave up.
   *
   * @param failedFor how long the step had failed when the relay gave up
   * @param limit {@code --give-up-after}
   * @param step what failed ("shard-1: checkpoint not written")
   * @param lastError the step's last error, its URLs redacted
   * @param unreachable whether that last error was a failure to reach the target database (no
   *     connection, or the connection lost) rather than an error something answered with
   */
  public record GaveUp(
      Duration failedFor, Duration limit, String step, String lastError, boolean unreachable) {

    /**
     * One sentence for the user, the same wherever a step gave up: that the target database could
     * not be reached only when that was the last error, else that the step kept failing; how long,
     * the limit, the step and its last error as they are.
     */
    public String message() {
      return (unreachable
              ? "The target database could not be reached for " + failedForSeconds() + " s"
              : "Gave up after " + failedForSeconds() + " s of failures")
          + " (--give-up-after "
          + limit.toSeconds()
          + " s): "
          + step
          + ": "
          + lastError
          // pgjdbc's messages end in a full stop of their own.
          + (lastError != null && lastError.endsWith(".") ? "" : ".");
    }

    /**
     * {@link #failedFor} in whole seconds, rounded up: as it is longer than the limit, it never
     * reads as the limit itself.
     */
    long failedForSeconds() {
      return failedFor.plusNanos(999_999_999).toSeconds();
    }
  }

  /** How far past the limit the last attempt comes: it must find the step failed past it. */
  private static final Duration PAST_LIMIT = Duration.ofMillis(10);

  private final Optional<Duration> limit;
  private final Clock clock;
  private final StopSignal stop;
  private final AtomicReference<GaveUp> gaveUp = new AtomicReference<>();

  /**
   * @param limit how long a step may fail before the relay stops; empty: for ever
   * @param stop stopped when a step gives up
   */
  public OutageLimit(Optional<Duration> limit, Clock clock, StopSignal stop) {
    this.limit = limit;
    this.clock = clock;
    this.stop = stop;
  }

  /**
   * The limit timed by the JVM's monotonic clock: a system clock set forward (NTP, a resumed VM)
   * must not make the relay give up early.
   */
  public static OutageLimit of(Optional<Duration> limit, StopSignal stop) {
    return new OutageLimit(limit, MONOTONIC, stop);
  }

  /** No limit: every failing step is retried until the relay is stopped. */
  public static OutageLimit none(StopSignal stop) {
    return of(Optional.empty(), stop);
  }

  /**
   * {@link System#nanoTime()} as a clock: only the distance between its instants means anything.
   */
  static final Clock MONOTONIC =
      new Clock() {
        private final long origin = System.nanoTime();

        @Override
        public Instant instant() {
          return Instant.EPOCH.plusNanos(System.nanoTime() - origin);
        }

        @Override
        public java.time.ZoneId getZone() {
          return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          throw new UnsupportedOperationException("a monotonic clock has no zone");
        }
      };

  /** The clock the steps are timed by. */
  Clock clock() {
    return clock;
  }

  /** Why the relay gave up, once a step has; empty while none has. */
  public Optional<GaveUp> gaveUp() {
    return Optional.ofNullable(gaveUp.get());
  }

  /**
   * A new step (against the target or the stream), not failing yet; used by one thread at a time.
   */
  public Step step(String what) {
    return new Step(what);
  }

  /**
   * The call's result, retried with backoff while the target is unavailable; empty when the relay
   * was stopped, or gave up on this call, while waiting to retry. Other exceptions are thrown.
   *
   * @param what what failed, for the log ("shard-1: checkpoint not written")
   */
  public <T> Optional<T> retry(String what, Supplier<T> call) {
    Step step = step(what);
    return Retry.untilStopped(
        stop,
        step.backoff(),
        () -> false,
        e -> e instanceof TargetUnavailableException,
        (e, pause) -> {
          // Giving up stops the relay: the pause after this failure ends at once.
          if (!step.failed((TargetUnavailableException) e)) {
            LOG.warn("{}: {}, retrying in {} ms", what, e.getMessage(), pause.toMillis());
          }
        },
        () -> {
          T result = call.get();
          step.succeeded();
          return result;
        });
  }

  /** One step against the target: when it began to fail, and whether it has failed too long. */
  public final class Step {
    private final String what;
    private Instant failingSince;
    // The same moment in real time, which pauses are slept in.
    private long failingSinceNanos;

    private Step(String what) {
      this.what = what;
    }

    /** As {@link #failed(String, boolean)}, with the exception's message and classification. */
    public boolean failed(TargetUnavailableException error) {
      return failed(error.getMessage(), error.unreachable());
    }

    /**
     * Records a failure of the step; {@code true} when it has now failed for longer than the limit
     * since its first failure: then the relay is stopped and the step should not be retried.
     *
     * @param unreachable whether the failure was one to reach the target database at all (no
     *     connection, or the connection lost): only then does the give-up message say so
     */
    public boolean failed(String error, boolean unreachable) {
      Instant now = clock.instant();
      if (failingSince == null) {
        failingSince = now;
        failingSinceNanos = System.nanoTime();
      }
      if (limit.isEmpty()) {
        return false;
      }
      Duration failedFor = Duration.between(failingSince, now);
      if (failedFor.compareTo(limit.get()) <= 0) {
        return false;
      }
      GaveUp why =
          new GaveUp(
              failedFor,
              limit.get(),
              what,
              error == null ? "(no message)" : Redaction.urlsIn(error),
              unreachable);
      if (gaveUp.compareAndSet(null, why)) {
        // The command says why once the relay has stopped; this marks when.
        LOG.warn(
            "{}: failing for {} s (--give-up-after {} s), giving up",
            what,
            why.failedForSeconds(),
            limit.get().toSeconds());
      }
      stop.stop();
      return true;
    }

    /**
     * How long until the step, failing since its first failure, has failed past the limit: a pause
     * no longer than that makes the attempt after it the last, at the limit rather than a doubled
     * pause beyond it. Empty while it is not failing, or without a limit. In real time, as pauses
     * are slept (the relay's clock is that too).
     */
    public Optional<Duration> untilPastLimit() {
      if (limit.isEmpty() || failingSince == null) {
        return Optional.empty();
      }
      long left = limit.get().toNanos() - (System.nanoTime() - failingSinceNanos);
      return Optional.of(Duration.ofNanos(Math.max(0, left)).plus(PAST_LIMIT));
    }

    /** The relay's standard backoff, its pauses ending no later than {@link #untilPastLimit}. */
    public Backoff backoff() {
      return new Backoff(Retry.FIRST_PAUSE, Retry.LAST_PAUSE, this::untilPastLimit);
    }

    /** Records that the step worked (even in part): its next failure starts a new count. */
    public void succeeded() {
      failingSince = null;
    }
  }
}
