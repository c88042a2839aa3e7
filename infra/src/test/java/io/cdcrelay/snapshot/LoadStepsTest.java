package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.sink.TargetUnavailableException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A load's give-up sentence: a stream relay's words, "could not be reached" only when so. */
class LoadStepsTest {

  private static final Duration LIMIT = Duration.ofSeconds(2);

  private static long threeSecondsAgo() {
    return System.nanoTime() - Duration.ofSeconds(3).toNanos();
  }

  @Test
  void aConnectionFailureOfTheTargetSaysItCouldNotBeReached() {
    TargetUnavailableException refused =
        new TargetUnavailableException(
            "cannot connect to 127.0.0.1:5433", new ConnectException("Connection refused"));

    assertThat(
            LoadSteps.gaveUp(
                "recording the cursor of segment 1", LIMIT, threeSecondsAgo(), refused))
        .matches(
            "The target database could not be reached for [34] s \\(--give-up-after 2 s\\):"
                + " recording the cursor of segment 1: cannot connect to 127\\.0\\.0\\.1:5433\\.");
  }

  @Test
  void aBatchTheTargetAnsweredWithAnErrorOrASourceReadIsAStepThatGaveUp() {
    BatchResult rolledBack =
        new BatchResult(
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            Duration.ZERO,
            Duration.ZERO,
            Optional.of("1"),
            Optional.of("the database rolled back"),
            List.of(),
            false);

    assertThat(
            LoadSteps.gaveUp(
                "writing a page of segment 0",
                LIMIT,
                threeSecondsAgo(),
                new BatchNotApplied(rolledBack)))
        .matches(
            "Gave up after [34] s of failures \\(--give-up-after 2 s\\): writing a page of segment"
                + " 0: the database rolled back\\.");
    assertThat(
            LoadSteps.gaveUp(
                "reading segment 3",
                LIMIT,
                threeSecondsAgo(),
                new SourceReadException("Scan failed: Internal server error", true, null)))
        .startsWith("Gave up after ")
        .endsWith(": reading segment 3: Scan failed: Internal server error.");
  }

  @Test
  void aBatchThatFailedOnReachingTheTargetSaysSo() {
    BatchResult unreachable =
        new BatchResult(
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            Duration.ZERO,
            Duration.ZERO,
            Optional.of("1"),
            Optional.of("cannot reach the database"),
            List.of(),
            true);

    assertThat(
            LoadSteps.gaveUp(
                "applying a batch of s3://b/p/data/1.json.gz",
                LIMIT,
                threeSecondsAgo(),
                new BatchNotApplied(unreachable)))
        .startsWith("The target database could not be reached for ");
  }
}
