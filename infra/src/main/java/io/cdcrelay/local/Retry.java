package io.cdcrelay.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Waits between attempts with exponential backoff until the relay is stopped: the one retry loop of
 * the local relay, the snapshot and verify. {@link #untilStopped} retries a call that throws; a
 * caller whose attempt can succeed in part (a batch applied up to a record) keeps its own loop and
 * waits with {@link #pause}. The full load and verify retry with a deadline and their own log line
 * (the {@code untilStopped} overload with {@code expired}).
 */
public final class Retry {

  private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

  /** The first pause after a failure. */
  public static final Duration FIRST_PAUSE = Duration.ofMillis(500);

  /** The longest pause: backoff doubles up to it. */
  public static final Duration LAST_PAUSE = Duration.ofSeconds(30);

  /** How far past a deadline the last attempt comes: it must find the deadline passed. */
  private static final Duration PAST_DEADLINE = Duration.ofMillis(10);

  private final StopSignal stop;
  private final Backoff backoff;

  /** Retries until {@code stop}, pausing as {@code backoff} says. */
  public Retry(StopSignal stop, Backoff backoff) {
    this.stop = stop;
    this.backoff = backoff;
  }

  /** Retries until {@code stop}, from {@link #FIRST_PAUSE} doubling up to {@link #LAST_PAUSE}. */
  public Retry(StopSignal stop) {
    this(stop, standardBackoff());
  }

  /** A new backoff from {@link #FIRST_PAUSE} doubling up to {@link #LAST_PAUSE}. */
  public static Backoff standardBackoff() {
    return new Backoff(FIRST_PAUSE, LAST_PAUSE);
  }

  /**
   * Logs why at {@code level} and waits before the next attempt; {@code false} when the relay was
   * stopped while waiting (then there should be no next attempt).
   *
   * @param what what failed, for the log ("shard-1: throttled")
   */
  public boolean pause(Level level, String what) {
    Duration pause = backoff.next();
    LOG.atLevel(level).log("{}, retrying in {} ms", what, pause.toMillis());
    return !stop.sleep(pause);
  }

  /** Starts the backoff over: the next pause is the first one again. */
  public void succeeded() {
    backoff.reset();
  }

  /**
   * The call's result; empty when the relay was stopped while waiting to retry. Exceptions that
   * {@code retryable} rejects are thrown.
   *
   * @param what what the call does, for the log ("checkpoint of shard-1 not written")
   */
  public <T> Optional<T> call(
      String what, Predicate<RuntimeException> retryable, Supplier<T> call) {
    return call(what, () -> false, retryable, call);
  }

  /** {@link #call(String, Predicate, Supplier)}, giving up once {@code expired} says so. */
  private <T> Optional<T> call(
      String what,
      BooleanSupplier expired,
      Predicate<RuntimeException> retryable,
      Supplier<T> call) {
    return attempt(
        expired,
        retryable,
        (e, pause) -> LOG.warn("{}: {}, retrying in {} ms", what, e.getMessage(), pause.toMillis()),
        call);
  }

  /**
   * The one retry loop: the call's result, or empty when stopped while waiting; what {@code
   * retryable} rejects, or anything once {@code expired} says so, is thrown.
   */
  private <T> Optional<T> attempt(
      BooleanSupplier expired,
      Predicate<RuntimeException> retryable,
      BiConsumer<RuntimeException, Duration> beforePause,
      Supplier<T> call) {
    while (true) {
      try {
        T result = call.get();
        succeeded();
        return Optional.of(result);
      } catch (RuntimeException e) {
        if (!retryable.test(e) || expired.getAsBoolean()) {
          throw e;
        }
        Duration pause = backoff.next();
        if (expired instanceof Deadline deadline && deadline.left().compareTo(pause) < 0) {
          // The last attempt comes at the deadline, not a doubled pause past it.
          pause = deadline.left();
        }
        beforePause.accept(e, pause);
        if (stop.sleep(pause)) {
          return Optional.empty();
        }
      }
    }
  }

  /** {@link #call} with a new backoff from {@link #FIRST_PAUSE}. */
  public static <T> Optional<T> untilStopped(
      StopSignal stop, String what, Predicate<RuntimeException> retryable, Supplier<T> call) {
    return new Retry(stop).call(what, retryable, call);
  }

  /**
   * {@link #call} with a new backoff from {@link #FIRST_PAUSE}, giving up once {@code expired} says
   * so: the last failure is thrown.
   */
  public static <T> Optional<T> untilStopped(
      StopSignal stop,
      String what,
      BooleanSupplier expired,
      Predicate<RuntimeException> retryable,
      Supplier<T> call) {
    return new Retry(stop).call(what, expired, retryable, call);
  }

  /** {@link #call} with {@code backoff}. */
  public static <T> Optional<T> untilStopped(
      StopSignal stop,
      Backoff backoff,
      String what,
      Predicate<RuntimeException> retryable,
      Supplier<T> call) {
    return new Retry(stop, backoff).call(what, retryable, call);
  }

  /**
   * The call's result; empty when the relay was stopped while waiting to retry. An exception that
   * {@code retryable} rejects, or any exception once {@code expired} says so, is thrown.
   *
   * @param expired asked after each failed attempt: whether to give up now
   * @param beforePause told of each failure that will be retried and of the pause before it (the
   *     caller's log line)
   */
  public static <T> Optional<T> untilStopped(
      StopSignal stop,
      Backoff backoff,
      BooleanSupplier expired,
      Predicate<RuntimeException> retryable,
      BiConsumer<RuntimeException, Duration> beforePause,
      Supplier<T> call) {
    return new Retry(stop, backoff).attempt(expired, retryable, beforePause, call);
  }

  /** A time to give up at: whether it has passed, and how long until just past it. */
  public interface Deadline extends BooleanSupplier {
    /** How long until the deadline has passed (a little past it; zero once it has). */
    Duration left();
  }

  /** A deadline {@code after} from now, on the monotonic clock. */
  public static Deadline after(Duration after) {
    long deadline = System.nanoTime() + after.toNanos();
    return new Deadline() {
      @Override
      public boolean getAsBoolean() {
        return System.nanoTime() - deadline > 0;
      }

      @Override
      public Duration left() {
        long left = deadline - System.nanoTime() + PAST_DEADLINE.toNanos();
        return Duration.ofNanos(Math.max(0, left));
      }
    };
  }

  /** A deadline {@code after} from the clock's now. */
  public static Deadline after(Clock clock, Duration after) {
    Instant deadline = clock.instant().plus(after);
    return new Deadline() {
      @Override
      public boolean getAsBoolean() {
        return clock.instant().isAfter(deadline);
      }

      @Override
      public Duration left() {
        Duration left = Duration.between(clock.instant(), deadline).plus(PAST_DEADLINE);
        return left.isNegative() ? Duration.ZERO : left;
      }
    };
  }
}
