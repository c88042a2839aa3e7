package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {

  private static final Backoff NO_PAUSE = new Backoff(Duration.ZERO, Duration.ZERO);

  @Test
  void aRetryableFailureIsRetriedUntilTheCallSucceedsAndEachPauseIsReported() {
    AtomicInteger attempts = new AtomicInteger();
    List<String> reported = new ArrayList<>();
    Optional<String> result =
        Retry.untilStopped(
            new StopSignal(),
            NO_PAUSE,
            () -> false,
            e -> e instanceof IllegalStateException,
            (e, pause) -> reported.add(e.getMessage()),
            () -> {
              if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("attempt " + attempts.get());
              }
              return "done";
            });
    assertThat(result).contains("done");
    assertThat(reported).containsExactly("attempt 1", "attempt 2");
  }

  @Test
  void aFailureThatIsNotRetryableIsThrownAtOnce() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Retry.untilStopped(
                    new StopSignal(),
                    NO_PAUSE,
                    "the call",
                    e -> e instanceof IllegalStateException,
                    () -> {
                      attempts.incrementAndGet();
                      throw new IllegalArgumentException("bad request");
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad request");
    assertThat(attempts).hasValue(1);
  }

  @Test
  void onceExpiredTheLastFailureIsThrownWithoutAnotherPause() {
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger pauses = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Retry.untilStopped(
                    new StopSignal(),
                    NO_PAUSE,
                    () -> attempts.get() >= 4,
                    e -> true,
                    (e, pause) -> pauses.incrementAndGet(),
                    () -> {
                      if (attempts.incrementAndGet() > 10) {
                        throw new AssertionError("still retrying after the deadline");
                      }
                      throw new IllegalStateException("attempt " + attempts.get());
                    }))
        .hasMessage("attempt 4");
    assertThat(pauses).hasValue(3);
  }

  @Test
  void aStoppedRelayEndsTheRetriesWithAnEmptyResult() {
    StopSignal stop = new StopSignal();
    stop.stop();
    AtomicInteger attempts = new AtomicInteger();
    Optional<String> result =
        Retry.untilStopped(
            stop,
            new Backoff(Duration.ofHours(1), Duration.ofHours(1)),
            "the call",
            e -> true,
            () -> {
              attempts.incrementAndGet();
              throw new IllegalStateException("down");
            });
    assertThat(result).isEmpty();
    assertThat(attempts).hasValue(1);
  }
}
