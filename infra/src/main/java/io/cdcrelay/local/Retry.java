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

/**
 * Retries a call with exponential backoff until it succeeds, the relay is stopped, or a deadline
 * passes.
 */
public final class Retry {

  private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

  private Retry() {}

  /**
   * The call's result; empty when the relay was stopped while waiting to retry. Exceptions that
   * {@code retryable} rejects are thrown.
   *
   * @param what what the call does, for the log ("checkpoint of shard-1 not written")
   */
  public static <T> Optional<T> untilStopped(
      StopSignal stop,
      Backoff backoff,
      String what,
      Predicate<RuntimeException> retryable,
      Supplier<T> call) {
    return untilStopped(
        stop,
        backoff,
        () -> false,
        retryable,
        (e, pause) -> LOG.warn("{}, retrying in {} ms: {}", what, pause.toMillis(), e.getMessage()),
        call);
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
    while (true) {
      try {
        return Optional.of(call.get());
      } catch (RuntimeException e) {
        if (!retryable.test(e) || expired.getAsBoolean()) {
          throw e;
        }
        Duration pause = backoff.next();
        beforePause.accept(e, pause);
        if (stop.sleep(pause)) {
          return Optional.empty();
        }
      }
    }
  }

  /** A deadline {@code after} from now, on the monotonic clock. */
  public static BooleanSupplier after(Duration after) {
    long deadline = System.nanoTime() + after.toNanos();
    return () -> System.nanoTime() - deadline > 0;
  }

  /** A deadline {@code after} from the clock's now. */
  public static BooleanSupplier after(Clock clock, Duration after) {
    Instant deadline = clock.instant().plus(after);
    return () -> clock.instant().isAfter(deadline);
  }
}
