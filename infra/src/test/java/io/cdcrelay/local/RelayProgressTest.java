package io.cdcrelay.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.testing.MovingClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RelayProgressTest {

  private static final String CLEAR = "\r\033[K";

  private final MovingClock clock = new MovingClock(Instant.parse("2024-07-12T00:00:00Z"));
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final PrintStream terminal = new PrintStream(screen, true, StandardCharsets.UTF_8);
  private final List<String> log = new CopyOnWriteArrayList<>();

  @Test
  void aLagIsSaidInTheUnitsThatReadOfItsSize() {
    assertThat(RelayProgress.lag(400)).isEqualTo("400 ms");
    assertThat(RelayProgress.lag(2_500)).isEqualTo("2.5 s");
    assertThat(RelayProgress.lag(184_000)).isEqualTo("3m 4s");
    assertThat(RelayProgress.lag(75_679_045_000L)).isEqualTo("875d 21h");
  }

  @Test
  void onATerminalTheLiveLineIsRedrawnInPlaceWithRateAppliedDeadLetteredAndLag() {
    RelayProgress progress = new RelayProgress(terminal, log::add, clock);

    progress.batchApplied(batch(100, 2));
    progress.lag("shardId-000000000000", 400L);
    progress.lag("shardId-000000000001", 2500L);
    clock.advance(Duration.ofSeconds(4));
    progress.report();
    progress.batchApplied(batch(50, 0));
    progress.shardDone("shardId-000000000001");
    progress.lag("shardId-000000000000", null); // no MillisBehindLatest: the last one stands
    clock.advance(Duration.ofSeconds(1));
    progress.report();

    assertThat(screen.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            CLEAR
                + "100 records, 25 records/s, 98 applied, 2 dead-lettered, lag 2.5 s"
                + CLEAR
                + "150 records, 30 records/s, 148 applied, 2 dead-lettered, lag 400 ms");
    assertThat(screen.toString(StandardCharsets.UTF_8)).doesNotContain("\n");
    assertThat(log).as("nothing logged while on a terminal").isEmpty();
    assertThat(progress.applied()).isEqualTo(148);
    assertThat(progress.deadLettered()).isEqualTo(2);

    progress.completed();
    progress.close();

    assertThat(screen.toString(StandardCharsets.UTF_8)).endsWith(CLEAR);
    assertThat(log)
        .containsExactly(
            "done: 150 records, 30 records/s, 148 applied, 2 dead-lettered, lag 400 ms (the dead"
                + " letters and why: relay dead-letters list TARGET)");
  }

  @Test
  void eachBatchWaitingCountsForTheLagUntilItIsDoneWhateverTheOthersDo() {
    RelayProgress progress = new RelayProgress(null, log::add, clock);
    long first = progress.batchWaiting(clock.instant().minusSeconds(2));
    long second = progress.batchWaiting(clock.instant().minusSeconds(1));
    long unknown = progress.batchWaiting(Instant.EPOCH);
    clock.advance(Duration.ofSeconds(20));
    assertThat(progress.line()).endsWith("lag 22.0 s");
    progress.batchDone(first);
    progress.batchDone(unknown);
    assertThat(progress.line()).as("the other lane's batch still waits").endsWith("lag 21.0 s");
    progress.batchDone(second);
    assertThat(progress.line()).endsWith("lag 0 ms");
  }

  @Test
  void theRateIsThatOfTheLastHalfMinuteAndTheFinalLineThatOfTheWholeRun() {
    RelayProgress progress = new RelayProgress(null, log::add, clock);
    progress.batchApplied(batch(600, 0));
    clock.advance(Duration.ofSeconds(10));
    assertThat(progress.line()).startsWith("600 records, 60 records/s,");
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(10));
      progress.line(); // the periodic line: nothing more arrives
    }
    // Caught up and idle for 50 s: no longer 600 / 60 s = 10 records/s, falling slowly.
    assertThat(progress.line()).startsWith("600 records, 0 records/s,");
    progress.batchApplied(batch(300, 0));
    clock.advance(Duration.ofSeconds(10));
    assertThat(progress.line()).startsWith("900 records, 10 records/s,");

    progress.completed();
    progress.close();
    assertThat(log).last().asString().startsWith("done: 900 records, 13 records/s,");
  }

  @Test
  void withoutAHeadDistanceTheLagIsTheAgeOfTheChangesBeingApplied() {
    // DynamoDB Streams gives no MillisBehindLatest: a relay 20 hours behind must not say 0 ms.
    RelayProgress progress = new RelayProgress(null, log::add, clock);
    progress.batchApplied(batch(10, 0, Duration.ofHours(20)));
    progress.lag("shardId-00000001", null);
    clock.advance(Duration.ofSeconds(1));
    assertThat(progress.line()).endsWith("lag 20h 0m");
    // Nothing applied for longer than ten seconds: nothing is waiting, the age no longer counts.
    clock.advance(Duration.ofSeconds(11));
    assertThat(progress.line()).endsWith("lag 0 ms");
  }

  @Test
  void offATerminalProgressIsAPlainLogLineAndNothingIsDrawn() {
    RelayProgress progress = new RelayProgress(null, log::add, clock);

    clock.advance(Duration.ofSeconds(10));
    progress.report();
    progress.batchApplied(batch(1000, 0));
    progress.lag("shardId-000000000000", 12_345L);
    clock.advance(Duration.ofSeconds(10));
    progress.report();
    progress.close();

    // Closed without having completed (stopped, or failed): the last line does not say done.
    assertThat(log)
        .containsExactly(
            "progress: 0 records, 0 records/s, 0 applied, 0 dead-lettered, lag 0 ms",
            "progress: 1000 records, 50 records/s, 1000 applied, 0 dead-lettered, lag 12.3 s",
            "stopped: 1000 records, 50 records/s, 1000 applied, 0 dead-lettered, lag 12.3 s");
    assertThat(screen.size()).isZero();
  }

  @Test
  void theLineDoesNotDependOnTheDefaultLocale() {
    Locale original = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
    try {
      RelayProgress progress = new RelayProgress(null, log::add, clock);
      progress.lag("shardId-000000000000", 1500L);
      assertThat(progress.line()).endsWith("lag 1.5 s");
    } finally {
      Locale.setDefault(original);
    }
  }

  @Test
  void startedItDrawsInTheBackgroundUntilClosed() throws Exception {
    RelayProgress progress = new RelayProgress(terminal, log::add, Clock.systemUTC());
    progress.batchApplied(batch(3, 0));
    progress.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (screen.size() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    progress.completed();
    progress.close();

    String drawn = screen.toString(StandardCharsets.UTF_8);
    assertThat(drawn).startsWith(CLEAR + "3 records, ").endsWith(CLEAR);
    assertThat(drawn).contains("3 applied, 0 dead-lettered, lag 100 ms");
    assertThat(log).singleElement().asString().startsWith("done: 3 records, ");
  }

  @Test
  void changesOfTablesNotRelayedAreCountedAsSkippedNotAsApplied() {
    RelayProgress progress = new RelayProgress(null, log::add, clock);
    progress.batchApplied(batch(17, 4));
    progress.batchApplied(
        new BatchResult(
            5,
            2,
            0,
            0,
            0,
            0,
            0,
            0,
            3,
            Duration.ofMillis(5),
            Duration.ofMillis(100),
            Optional.empty(),
            Optional.empty(),
            java.util.List.of(),
            false));

    assertThat(progress.line())
        .startsWith("22 records, ")
        .contains("15 applied, 3 skipped (not in CRATEDB_TABLES), 4 dead-lettered");
    assertThat(progress.applied()).isEqualTo(15);
  }

  /** A batch of {@code received} records of which {@code deadLettered} were set aside. */
  private static BatchResult batch(int received, int deadLettered) {
    return batch(received, deadLettered, Duration.ofMillis(100));
  }

  private static BatchResult batch(int received, int deadLettered, Duration oldestRecordAge) {
    return new BatchResult(
        received,
        received - deadLettered,
        0,
        0,
        0,
        deadLettered,
        0,
        0,
        0,
        Duration.ofMillis(5),
        oldestRecordAge,
        Optional.empty(),
        Optional.empty(),
        java.util.List.of(),
        false);
  }
}
