package io.cdcrelay.local;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Retries a call with exponential backoff until it succeeds or the relay is stopped. */
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
    while (true) {
      try {
        return Optional.of(call.get());
      } catch (RuntimeException e) {
        if (!retryable.test(e)) {
          throw e;
        }
        Duration pause = backoff.next();
        LOG.warn("{}, retrying in {} ms: {}", what, pause.toMillis(), e.getMessage());
        if (stop.sleep(pause)) {
          return Optional.empty();
        }
      }
    }
  }
}
