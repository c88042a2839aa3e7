package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.TargetUnavailableException;
import io.cdcrelay.testing.MovingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class OutageLimitTest {

  private final MovingClock clock = new MovingClock();
  private final StopSignal stop = new StopSignal();

  private OutageLimit limit(Duration after) {
    return new OutageLimit(Optional.of(after), clock, stop);
  }

  @Test
  void theRelaysLimitIsTimedByTheMonotonicClockNotTheSystemClock() throws Exception {
    assertThat(OutageLimit.of(Optional.of(Duration.ofMinutes(5)), stop).clock())
        .isSameAs(OutageLimit.MONOTONIC);
    assertThat(OutageLimit.none(stop).clock()).isSameAs(OutageLimit.MONOTONIC);
    Instant first = OutageLimit.MONOTONIC.instant();
    Thread.sleep(20);
    assertThat(Duration.between(first, OutageLimit.MONOTONIC.instant()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(20));
  }

  @Test
  void aStepFailingForTheLimitGoesOnAndJustPastItStopsTheRelay() {
    OutageLimit outages = limit(Duration.ofMinutes(5));
    OutageLimit.Step step = outages.step("shard-1: checkpoint not written");

    assertThat(step.failed("refused", true)).isFalse();
    clock.advance(Duration.ofMinutes(5));
    assertThat(step.failed("refused", true))
        .as("failed for 5m: not longer than the limit")
        .isFalse();
    assertThat(stop.isStopped()).isFalse();
    assertThat(outages.gaveUp()).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    assertThat(step.failed("Connection to 127.0.0.1:5432 refused", true)).isTrue();
    assertThat(stop.isStopped()).isTrue();
    assertThat(outages.gaveUp()).isPresent();
    OutageLimit.GaveUp why = outages.gaveUp().get();
    assertThat(why.failedFor()).isEqualTo(Duration.ofSeconds(301));
    assertThat(why.message())
        .isEqualTo(
            "The target database could not be reached for 301 s (--give-up-after 300 s): shard-1:"
                + " checkpoint not written: Connection to 127.0.0.1:5432 refused.");
  }

  @Test
  void aStepsPausesEndJustPastItsLimitSoTheRelayGivesUpAtTheLimitNotLater() throws Exception {
    OutageLimit.Step step =
        OutageLimit.of(Optional.of(Duration.ofMillis(700)), stop).step("connecting at start");
    Backoff backoff = step.backoff();
    assertThat(step.untilPastLimit()).as("not failing yet").isEmpty();
    assertThat(backoff.next()).isEqualTo(Retry.FIRST_PAUSE);

    long began = System.nanoTime();
    step.failed("refused", true);
    Thread.sleep(200);
    // 1 s would be the next pause; at most half a second is left of the 0.7.
    Duration left = step.untilPastLimit().orElseThrow();
    long elapsed = System.nanoTime() - began;
    assertThat(left)
        .isLessThanOrEqualTo(Duration.ofMillis(510))
        .isGreaterThanOrEqualTo(Duration.ofMillis(710).minusNanos(elapsed));
    assertThat(backoff.next()).isLessThanOrEqualTo(left);
    Thread.sleep(left.toMillis() + 1);
    assertThat(step.failed("refused", true)).as("the attempt after it is the last").isTrue();
    assertThat(step.untilPastLimit()).contains(Duration.ofMillis(10));
    assertThat(OutageLimit.none(stop).step("y").untilPastLimit()).isEmpty();
  }

  @Test
  void theMessageNamesHowLongTheStepFailedRoundedUpAndTheLimit() {
    OutageLimit.GaveUp why =
        new OutageLimit.GaveUp(
            Duration.ofMillis(1500), Duration.ofSeconds(1), "connecting at start", "refused", true);
    assertThat(why.message())
        .isEqualTo(
            "The target database could not be reached for 2 s (--give-up-after 1 s): connecting at"
                + " start: refused.");
  }

  @Test
  void aLastErrorEndingInAFullStopEndsTheSentenceOnce() {
    OutageLimit.GaveUp why =
        new OutageLimit.GaveUp(
            Duration.ofSeconds(3),
            Duration.ofSeconds(2),
            "connecting at start",
            "Connection to 127.0.0.1:5432 refused. Check that the hostname and port are correct.",
            true);
    assertThat(why.message()).endsWith("port are correct.").doesNotContain("..");
  }

  @Test
  void aStepThatKeptFailingOnAnythingButReachingTheDatabaseIsToldAsItIs() {
    OutageLimit outages = limit(Duration.ofMinutes(5));
    OutageLimit.Step step = outages.step("a batch of 3 records of shard shard-1 not applied");
    step.failed("upsert: ERROR: serialization failure", false);
    clock.advance(Duration.ofSeconds(301));
    assertThat(step.failed("upsert: ERROR: serialization failure", false)).isTrue();

    assertThat(outages.gaveUp().get().message())
        .isEqualTo(
            "Gave up after 301 s of failures (--give-up-after 300 s): a batch of 3 records of shard"
                + " shard-1 not applied: upsert: ERROR: serialization failure.");
  }

  @Test
  @Timeout(10)
  void retryTellsAnUnreachableDatabaseFromAnotherFailureByTheLastError() {
    OutageLimit reached = limit(Duration.ofSeconds(30));
    reached.retry(
        "the lease of s not taken",
        () -> {
          clock.advance(Duration.ofMinutes(1));
          throw new TargetUnavailableException(
              "cannot read the database password: throttled", null, false);
        });
    assertThat(reached.gaveUp().get().message())
        .startsWith("Gave up after 60 s of failures (--give-up-after 30 s): the lease of s not")
        .endsWith(": cannot read the database password: throttled.");

    OutageLimit unreachable =
        new OutageLimit(Optional.of(Duration.ofSeconds(30)), clock, new StopSignal());
    unreachable.retry(
        "the lease of s not taken",
        () -> {
          clock.advance(Duration.ofMinutes(1));
          throw new TargetUnavailableException(
              "cannot connect",
              new java.sql.SQLException("Connection to db:5432 refused", "08001"));
        });
    assertThat(unreachable.gaveUp().get().message())
        .startsWith("The target database could not be reached for 60 s (--give-up-after 30 s):");
  }

  @Test
  void aSuccessStartsTheCountOver() {
    OutageLimit outages = limit(Duration.ofMinutes(5));
    OutageLimit.Step step = outages.step("batch");

    step.failed("refused", true);
    clock.advance(Duration.ofMinutes(4));
    step.succeeded();
    clock.advance(Duration.ofMinutes(1));
    assertThat(step.failed("refused", true)).isFalse();
    clock.advance(Duration.ofMinutes(4));
    assertThat(step.failed("refused", true))
        .as("9 minutes since the first failure, 4 since the last success")
        .isFalse();
    clock.advance(Duration.ofMinutes(2));
    assertThat(step.failed("refused", true)).isTrue();
  }

  @Test
  void eachStepCountsFromItsOwnFirstFailure() {
    OutageLimit outages = limit(Duration.ofMinutes(1));
    OutageLimit.Step early = outages.step("lease");
    early.failed("refused", true);
    clock.advance(Duration.ofSeconds(50));
    OutageLimit.Step late = outages.step("checkpoint");
    late.failed("refused", true);
    clock.advance(Duration.ofSeconds(20));

    assertThat(late.failed("refused", true)).isFalse();
    assertThat(early.failed("refused", true)).isTrue();
    assertThat(outages.gaveUp().get().step()).isEqualTo("lease");
  }

  @Test
  void withoutALimitAStepNeverGivesUp() {
    OutageLimit outages = new OutageLimit(Optional.empty(), clock, stop);
    OutageLimit.Step step = outages.step("batch");
    step.failed("refused", true);
    clock.advance(Duration.ofDays(30));
    assertThat(step.failed("refused", true)).isFalse();
    assertThat(stop.isStopped()).isFalse();
    assertThat(outages.gaveUp()).isEmpty();
  }

  @Test
  void theLastErrorIsToldWithoutAPassword() {
    OutageLimit outages = limit(Duration.ZERO);
    OutageLimit.Step step = outages.step("connecting");
    step.failed("first", true);
    clock.advance(Duration.ofSeconds(1));
    step.failed("cannot open postgresql://relay:s3cr3t@db:5432/doc?password=s3cr3t now", true);
    assertThat(outages.gaveUp().get().lastError())
        .isEqualTo("cannot open postgresql://relay:***@db:5432/doc?password=*** now");
  }

  @Test
  @Timeout(10)
  void retryGivesUpOnACallThatKeepsFindingTheTargetUnavailable() {
    OutageLimit outages = limit(Duration.ofSeconds(90));
    AtomicInteger calls = new AtomicInteger();

    // Each attempt a minute after the one before: 0, 60 s, 120 s (past 90 s): three attempts.
    Optional<String> result =
        outages.retry(
            "checkpoint of shard-1 not readable",
            () -> {
              if (calls.incrementAndGet() > 1) {
                clock.advance(Duration.ofMinutes(1));
              }
              throw new TargetUnavailableException("refused #" + calls.get(), null);
            });

    assertThat(result).isEmpty();
    assertThat(calls).hasValue(3);
    assertThat(stop.isStopped()).isTrue();
    assertThat(outages.gaveUp().get().lastError()).isEqualTo("refused #3");
    assertThat(outages.gaveUp().get().failedFor()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void retryReturnsTheResultOnceTheTargetIsBack() {
    OutageLimit outages = limit(Duration.ofMinutes(5));
    AtomicInteger calls = new AtomicInteger();
    Optional<String> result =
        outages.retry(
            "read",
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new TargetUnavailableException("refused", null);
              }
              return "42";
            });
    assertThat(result).contains("42");
    assertThat(outages.gaveUp()).isEmpty();
  }
}
