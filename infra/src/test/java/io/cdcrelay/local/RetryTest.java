package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class RetryTest {

  private static final Backoff NO_PAUSE = new Backoff(Duration.ZERO, Duration.ZERO);

  @Test
  void retriesARetryableFailureUntilTheCallSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    Optional<String> result =
        Retry.untilStopped(
            new StopSignal(),
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)),
            "probe",
            e -> e instanceof IllegalStateException,
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw new IllegalStateException("not yet");
              }
              return "done";
            });
    assertThat(result).contains("done");
    assertThat(calls).hasValue(4);
  }

  @Test
  void throwsWhatIsNotRetryableAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Retry.untilStopped(
                    new StopSignal(),
                    "probe",
                    e -> e instanceof IllegalStateException,
                    () -> {
                      calls.incrementAndGet();
                      throw new IllegalArgumentException("bad configuration");
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad configuration");
    assertThat(calls).hasValue(1);
  }

  @Test
  void aStopWhileWaitingEndsTheRetriesWithNoResult() {
    StopSignal stop = new StopSignal();
    AtomicInteger calls = new AtomicInteger();
    Optional<Object> result =
        Retry.untilStopped(
            stop,
            "probe",
            e -> true,
            () -> {
              calls.incrementAndGet();
              stop.stop();
              throw new IllegalStateException("down");
            });
    assertThat(result).isEmpty();
    assertThat(calls).as("no attempt after the stop").hasValue(1);
  }

  @Test
  void pausesGrowUntilASuccessStartsThemOver() {
    Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(8));
    Retry retry = new Retry(new StopSignal(), backoff);
    assertThat(retry.pause(Level.INFO, "throttled")).isTrue();
    assertThat(retry.pause(Level.INFO, "throttled")).isTrue();
    assertThat(backoff.next()).as("the third pause, doubled twice").isEqualTo(Duration.ofMillis(4));
    retry.succeeded();
    assertThat(backoff.next()).as("after a success").isEqualTo(Duration.ofMillis(1));

    StopSignal stopped = new StopSignal();
    stopped.stop();
    assertThat(new Retry(stopped, backoff).pause(Level.WARN, "down"))
        .as("a stopped relay makes no further attempt")
        .isFalse();
  }

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
  void theLastPauseBeforeADeadlineEndsJustPastItNotADoubledPauseBeyond() {
    io.cdcrelay.testing.MovingClock clock = new io.cdcrelay.testing.MovingClock();
    Retry.Deadline deadline = Retry.after(clock, Duration.ofSeconds(90));
    assertThat(deadline.left()).isEqualTo(Duration.ofMillis(90_010));
    List<Duration> pauses = new ArrayList<>();
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(
            () ->
                Retry.untilStopped(
                    new StopSignal(),
                    new Backoff(Duration.ofSeconds(60), Duration.ofSeconds(60)),
                    deadline,
                    e -> true,
                    (e, pause) -> pauses.add(pause),
                    () -> {
                      // The first attempt takes 89.9 s of the 90: 60 s would end far past them.
                      clock.advance(
                          attempts.incrementAndGet() == 1
                              ? Duration.ofMillis(89_900)
                              : Duration.ofMillis(200));
                      throw new IllegalStateException("attempt " + attempts.get());
                    }))
        .hasMessage("attempt 2");
    assertThat(pauses).containsExactly(Duration.ofMillis(110));
    assertThat(deadline.left()).isZero();
  }
}
