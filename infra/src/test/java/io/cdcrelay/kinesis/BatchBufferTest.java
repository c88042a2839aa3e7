package io.cdcrelay.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.change.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchBufferTest {

  private static final long MS = 1_000_000L;
  private static final Duration IDLE = Duration.ofMillis(500);

  private static List<SourceRecord> records(int from, int count) {
    List<SourceRecord> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      records.add(
          new SourceRecord(
              "shardId-000000000000",
              Integer.toString(1000 + i),
              "{}".getBytes(StandardCharsets.UTF_8),
              Instant.EPOCH));
    }
    return records;
  }

  @Test
  void aFullBatchIsDueAtOnce() {
    BatchBuffer buffer = new BatchBuffer(5, Duration.ofSeconds(10));
    buffer.add(records(0, 3), 0);
    assertThat(buffer.due(0)).isFalse();
    buffer.add(records(3, 2), 1 * MS);
    assertThat(buffer.due(1 * MS)).isTrue();
    assertThat(buffer.take())
        .extracting(SourceRecord::sequenceNumber)
        .containsExactly("1000", "1001", "1002", "1003", "1004");
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void aReadOfAThousandRecordsIsAppliedAsTenBatchesOfTheBatchSizeInOrder() {
    BatchBuffer buffer = new BatchBuffer(100, Duration.ofSeconds(10));
    buffer.add(records(0, 1000), 0);
    List<List<SourceRecord>> batches = new ArrayList<>();
    while (buffer.due(0)) {
      batches.add(buffer.take());
    }
    assertThat(batches).hasSize(10).allSatisfy(batch -> assertThat(batch).hasSize(100));
    assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(records(0, 1000));
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void recordsBeyondABatchWaitForTheNextOneFromWhenTheyWereRead() {
    BatchBuffer buffer = new BatchBuffer(100, Duration.ofMillis(500));
    buffer.add(records(0, 150), 0);
    assertThat(buffer.take()).isEqualTo(records(0, 100));
    assertThat(buffer.isEmpty()).isFalse();
    // The 50 left were read at 0, not when the batch before them was taken.
    buffer.add(records(150, 30), 400 * MS);
    assertThat(buffer.due(499 * MS)).isFalse();
    assertThat(buffer.due(500 * MS)).isTrue();
    assertThat(buffer.take()).isEqualTo(records(100, 80));
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void afterABatchTheWaitIsThatOfTheFirstRecordLeft() {
    BatchBuffer buffer = new BatchBuffer(10, Duration.ofMillis(500));
    buffer.add(records(0, 6), 0);
    buffer.add(records(6, 6), 300 * MS);
    assertThat(buffer.take()).isEqualTo(records(0, 10));
    // Left: 2 records read at 300 ms.
    assertThat(buffer.due(799 * MS)).isFalse();
    assertThat(buffer.due(800 * MS)).isTrue();
  }

  @Test
  void everyReadAsksForTheMostKinesisReturnsWhateverTheBatchSize() {
    assertThat(BatchBuffer.READ_LIMIT).isEqualTo(10_000);
  }

  @Test
  void bufferTimeBoundsTheWaitOfTheFirstRecordRead() {
    BatchBuffer buffer = new BatchBuffer(100, Duration.ofMillis(500));
    buffer.add(records(0, 1), 1000 * MS);
    buffer.add(records(1, 1), 1400 * MS);
    assertThat(buffer.due(1499 * MS)).isFalse();
    assertThat(buffer.due(1500 * MS)).isTrue();
    assertThat(buffer.take()).hasSize(2);
  }

  @Test
  void zeroBufferTimeFlushesAfterEveryReadWithRecords() {
    BatchBuffer buffer = new BatchBuffer(100, Duration.ZERO);
    assertThat(buffer.due(0)).isFalse();
    buffer.add(records(0, 1), 7 * MS);
    assertThat(buffer.due(7 * MS)).isTrue();
  }

  @Test
  void anEmptyReadSleepsIdleSleepButNotPastTheFlushDeadline() {
    BatchBuffer buffer = new BatchBuffer(100, Duration.ofMillis(300));
    assertThat(buffer.pauseAfterRead(0, 100, 0L, IDLE, 0)).isEqualTo(IDLE);
    buffer.add(records(0, 1), 0);
    assertThat(buffer.pauseAfterRead(0, 99, 0L, IDLE, 100 * MS)).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void anEmptyReadBehindTheHeadPausesOnlyAsLongAsAPartialOne() {
    // Kinesis answers empty reads while a shard catches up over a stretch without records: each
    // idle-sleep there would slow the catching up for nothing.
    BatchBuffer buffer = new BatchBuffer(100, Duration.ofSeconds(5));
    assertThat(buffer.pauseAfterRead(0, 100, 86_400_000L, IDLE, 0))
        .isEqualTo(BatchBuffer.MIN_POLL_INTERVAL);
    assertThat(buffer.pauseAfterRead(0, 100, null, IDLE, 0)).isEqualTo(IDLE);
    assertThat(buffer.pauseAfterRead(0, 100, 0L, IDLE, 0)).isEqualTo(IDLE);
  }

  @Test
  void aFullReadReadsAgainAtOnceAPartialOneAfterAShortPause() {
    BatchBuffer buffer = new BatchBuffer(100, Duration.ofSeconds(5));
    assertThat(buffer.pauseAfterRead(100, 100, 0L, IDLE, 0)).isEqualTo(Duration.ZERO);
    buffer.add(records(0, 10), 0);
    assertThat(buffer.pauseAfterRead(10, 100, 0L, IDLE, 0))
        .isEqualTo(BatchBuffer.MIN_POLL_INTERVAL);
    assertThat(buffer.pauseAfterRead(10, 100, 0L, Duration.ofMillis(50), 0))
        .isEqualTo(Duration.ofMillis(50));
  }
}
