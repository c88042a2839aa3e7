package io.cdcrelay.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.testing.MovingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotProgressTest {

  @Test
  void theLineShowsItemsRateShareOfTheEstimateTimeLeftAndSegments() {
    MovingClock clock = new MovingClock(Instant.parse("2026-12-01T12:00:00Z"));
    List<String> log = new ArrayList<>();
    SnapshotProgress progress = new SnapshotProgress(2000, 20000, 8, 1, null, log::add, clock);
    progress.pageApplied(6000, 0);
    progress.segmentDone();
    clock.advance(Duration.ofSeconds(3));
    assertThat(progress.line())
        .isEqualTo("8000 items (40.0% of ~20000), 2000 items/s, ~6 s left, 2 of 8 segments done");
    progress.report();
    assertThat(log).containsExactly("progress: " + progress.line());
    assertThat(progress.total()).isEqualTo(8000);
    assertThat(progress.items()).isEqualTo(6000);
  }

  @Test
  void theRunSummaryCountsOnlyThisRunsItems() {
    MovingClock clock = new MovingClock(Instant.parse("2026-12-01T12:00:00Z"));
    SnapshotProgress progress = new SnapshotProgress(500, 0, 1, 0, null, s -> {}, clock);
    progress.pageApplied(300, 0);
    clock.advance(Duration.ofMillis(1500));
    assertThat(progress.runSummary()).isEqualTo("300 items in this run in 1.5 s (200 items/s)");
  }

  @Test
  void oneItemIsOneItem() {
    MovingClock clock = new MovingClock(Instant.parse("2026-12-01T12:00:00Z"));
    SnapshotProgress progress = new SnapshotProgress(0, 0, 1, 0, null, s -> {}, clock);
    progress.pageApplied(1, 0);
    clock.advance(Duration.ofSeconds(1));
    assertThat(progress.runSummary()).isEqualTo("1 item in this run in 1.0 s (1 items/s)");
    assertThat(progress.line()).startsWith("1 item, ");
  }

  @Test
  void anEstimateBelowTheCountIsNotAPromise() {
    MovingClock clock = new MovingClock(Instant.parse("2026-12-01T12:00:00Z"));
    SnapshotProgress progress = new SnapshotProgress(0, 100, 1, 0, null, s -> {}, clock);
    progress.pageApplied(150, 2);
    clock.advance(Duration.ofSeconds(1));
    assertThat(progress.line())
        .isEqualTo(
            "150 items (100.0% of ~100), 150 items/s, 0 of 1 segments done, 2 dead-lettered");
  }

  @Test
  void anExportCountsDataFilesNotSegments() {
    MovingClock clock = new MovingClock(Instant.parse("2026-12-01T12:00:00Z"));
    SnapshotProgress progress =
        new SnapshotProgress(0, 0, 3, 1, null, s -> {}, clock).counting("data files");
    progress.pageApplied(10, 0);
    clock.advance(Duration.ofSeconds(1));
    assertThat(progress.line()).isEqualTo("10 items, 10 items/s, 1 of 3 data files done");
  }

  @Test
  void anEstimateReachedPromisesNoTimeLeft() {
    MovingClock clock = new MovingClock(Instant.parse("2026-12-01T12:00:00Z"));
    SnapshotProgress progress = new SnapshotProgress(0, 100, 1, 0, null, s -> {}, clock);
    progress.pageApplied(100, 0);
    clock.advance(Duration.ofSeconds(1));
    assertThat(progress.line())
        .isEqualTo("100 items (100.0% of ~100), 100 items/s, 0 of 1 segments done");
  }

  @Test
  void timeLeftIsInSecondsUpToTwoMinutesThenMinutesThenHours() {
    assertThat(SnapshotProgress.duration(119)).isEqualTo("119 s");
    assertThat(SnapshotProgress.duration(120)).isEqualTo("2 min");
    assertThat(SnapshotProgress.duration(7199)).isEqualTo("119 min");
    assertThat(SnapshotProgress.duration(7200)).isEqualTo("2.0 h");
  }
}
