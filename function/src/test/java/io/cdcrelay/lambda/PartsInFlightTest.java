package io.cdcrelay.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.relay.BatchResult;
import io.cdcrelay.testing.Records;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PartsInFlightTest {

  private static List<SourceRecord> records(int count) {
    List<SourceRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(Records.record(i, "{}"));
    }
    return records;
  }

  private static BatchResult upserted(List<SourceRecord> part, String table) {
    return new BatchResult(
        part.size(),
        part.size(),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        Duration.ofMillis(1),
        Duration.ofSeconds(part.size()),
        Optional.empty(),
        Optional.empty(),
        List.of(new BatchResult.TableCounts(table, part.size(), part.size(), 0, 0, 0, 0, 0, 0)),
        false);
  }

  @Test
  void everyRecordIsAppliedOnceInOrderedPartsAndTheCountsAddUp() {
    List<SourceRecord> records = records(10);
    List<List<SourceRecord>> applied = Collections.synchronizedList(new ArrayList<>());
    PartsInFlight.Lane lane =
        part -> {
          applied.add(part);
          return upserted(part, "doc.t");
        };

    BatchResult result =
        new PartsInFlight(2, Clock.systemUTC()).apply(List.of(lane, lane), records, 3);

    assertThat(applied).extracting(List::size).containsExactlyInAnyOrder(4, 4, 2);
    assertThat(applied.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(records);
    assertThat(result.succeeded()).isTrue();
    assertThat(result.received()).isEqualTo(10);
    assertThat(result.upserted()).isEqualTo(10);
    assertThat(result.oldestRecordAge()).isEqualTo(Duration.ofSeconds(4));
    assertThat(result.tables())
        .containsExactly(new BatchResult.TableCounts("doc.t", 10, 10, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void aFailedPartNamesItsFirstRecordAndEveryEarlierPartIsApplied() {
    List<SourceRecord> records = records(50);
    List<Integer> appliedParts = Collections.synchronizedList(new ArrayList<>());
    PartsInFlight.Lane lane =
        part -> {
          int index = records.indexOf(part.get(0)) / 10;
          if (index == 2) {
            return BatchResult.failed(part, "the database went away");
          }
          appliedParts.add(index);
          return upserted(part, "doc.t");
        };

    BatchResult result =
        new PartsInFlight(2, Clock.systemUTC()).apply(List.of(lane, lane), records, 5);

    assertThat(result.failedFrom()).contains(records.get(20).sequenceNumber());
    assertThat(result.failure()).contains("the database went away");
    assertThat(result.received()).isEqualTo(50);
    assertThat(appliedParts).contains(0, 1).doesNotContain(2);
  }

  @Test
  void ofSeveralFailedPartsTheEarliestNamesTheRecordToRetryFrom() {
    List<SourceRecord> records = records(30);
    BatchResult merged =
        BatchResult.merge(
            List.of(
                upserted(records.subList(0, 10), "doc.t"),
                BatchResult.failed(records.subList(20, 30), "later"),
                BatchResult.failed(records.subList(10, 20), "earlier")),
            30,
            Duration.ofSeconds(1));
    assertThat(merged.failedFrom()).contains(records.get(10).sequenceNumber());
    assertThat(merged.failure()).contains("earlier");
    assertThat(merged.upserted()).isEqualTo(10);
  }

  @Test
  void anErrorOfAHelpingLaneReachesTheCallerOnceEveryLaneHasStopped() {
    List<SourceRecord> records = records(40);
    List<Integer> applied = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch failed = new CountDownLatch(1);
    PartsInFlight.Lane failing =
        part -> {
          failed.countDown();
          throw new IllegalStateException("a bug");
        };
    // Waits for the helping lane to have taken a part, so that it surely fails.
    PartsInFlight.Lane working =
        part -> {
          try {
            assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          applied.add(part.size());
          return upserted(part, "doc.t");
        };

    assertThatThrownBy(
            () ->
                new PartsInFlight(2, Clock.systemUTC())
                    .apply(List.of(working, failing), records, 4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a bug");
    assertThat(applied.size()).isLessThan(4);
  }
}
