package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToItsMaximumAndStartsOverAfterASuccess() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(350));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(350));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(350));
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void aCapShortensAPauseAndTheDoublingGoesOnBehindIt() {
    java.util.concurrent.atomic.AtomicReference<java.util.Optional<Duration>> cap =
        new java.util.concurrent.atomic.AtomicReference<>(java.util.Optional.empty());
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), cap::get);
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
    cap.set(java.util.Optional.of(Duration.ofMillis(150)));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(150));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(150));
    cap.set(java.util.Optional.empty());
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(800));
  }

  @Test
  void aStoppedSignalEndsEveryPauseAtOnce() {
    StopSignal stop = new StopSignal();
    assertThat(stop.sleep(Duration.ofMillis(1))).isFalse();
    stop.stop();
    long started = System.nanoTime();
    assertThat(stop.sleep(Duration.ofMinutes(5))).isTrue();
    assertThat(System.nanoTime() - started).isLessThan(Duration.ofSeconds(1).toNanos());
  }
}
