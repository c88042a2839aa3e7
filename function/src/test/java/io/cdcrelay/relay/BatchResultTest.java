package io.cdcrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The result of a batch applied in parts: what the Lambda handler reports and logs. */
class BatchResultTest {

  private static BatchResult ok(int unit, Duration oldest, List<BatchResult.TableCounts> tables) {
    return new BatchResult(
        unit,
        unit,
        2 * unit,
        3 * unit,
        4 * unit,
        5 * unit,
        6 * unit,
        7 * unit,
        8 * unit,
        Duration.ofMillis(unit),
        oldest,
        Optional.empty(),
        Optional.empty(),
        tables,
        false);
  }

  private static BatchResult.TableCounts counts(String table, int unit) {
    return new BatchResult.TableCounts(
        table, unit, 2 * unit, 3 * unit, 4 * unit, 5 * unit, 6 * unit, 7 * unit, 8 * unit);
  }

  private static BatchResult failed(String from, String why, boolean unreachable) {
    return new BatchResult(
        4,
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
        Optional.of(from),
        Optional.of(why),
        List.of(),
        unreachable);
  }

  @Test
  void theCountsOfThePartsAddUpInTotalAndPerTable() {
    // Each part counts in its own decimal place: a count lost or taken away shows in its digit.
    BatchResult merged =
        BatchResult.merge(
            List.of(
                ok(1, Duration.ofSeconds(30), List.of(counts("doc.a", 1), counts("doc.b", 1))),
                ok(10, Duration.ofSeconds(90), List.of(counts("doc.a", 10))),
                ok(100, Duration.ofSeconds(60), List.of(counts("doc.c", 100)))),
            999,
            Duration.ofSeconds(3));

    assertThat(merged)
        .isEqualTo(
            new BatchResult(
                999,
                111,
                222,
                333,
                444,
                555,
                666,
                777,
                888,
                Duration.ofSeconds(3),
                Duration.ofSeconds(90),
                Optional.empty(),
                Optional.empty(),
                List.of(counts("doc.a", 11), counts("doc.b", 1), counts("doc.c", 100)),
                false));
    assertThat(merged.succeeded()).isTrue();
  }

  @Test
  void theOldestRecordAgeIsTheLargestOfTheParts() {
    for (List<Duration> ages :
        List.of(
            List.of(Duration.ofSeconds(5), Duration.ofSeconds(7)),
            List.of(Duration.ofSeconds(7), Duration.ofSeconds(5)))) {
      BatchResult merged =
          BatchResult.merge(
              List.of(ok(1, ages.get(0), List.of()), ok(1, ages.get(1), List.of())),
              2,
              Duration.ZERO);
      assertThat(merged.oldestRecordAge()).as("%s", ages).isEqualTo(Duration.ofSeconds(7));
    }
  }

  @Test
  void theEarliestRecordNotAppliedOfAllThePartsIsWhereTheBatchFailsFrom() {
    // In the order of sequence numbers, not of text: 999 comes before 1000.
    BatchResult later = failed("1000", "later", false);
    BatchResult earlier = failed("999", "earlier", true);
    for (List<BatchResult> parts :
        List.of(
            List.of(later, ok(1, Duration.ZERO, List.of()), earlier),
            List.of(earlier, later, ok(1, Duration.ZERO, List.of())))) {
      BatchResult merged = BatchResult.merge(parts, 9, Duration.ZERO);
      assertThat(merged.succeeded()).isFalse();
      assertThat(merged.failedFrom()).contains("999");
      assertThat(merged.failure()).contains("earlier");
      assertThat(merged.targetUnreachable())
          .as("the earliest part's: the target was unreachable")
          .isTrue();
    }
    BatchResult answered =
        BatchResult.merge(
            List.of(failed("5", "refused", false), failed("6", "unreachable", true)),
            8,
            Duration.ZERO);
    assertThat(answered.failure()).contains("refused");
    assertThat(answered.targetUnreachable()).isFalse();
  }
}
