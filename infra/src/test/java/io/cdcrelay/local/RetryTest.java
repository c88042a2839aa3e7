package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class RetryTest {

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
}
