package io.cdcrelay.relay;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What applying one batch did, in total and per target table.
 *
 * @param received records in the batch
 * @param upserted rows written for inserted or modified items
 * @param deleted items removed (rows deleted, or flagged in {@code soft} mode)
 * @param expired items expired by DynamoDB's time to live (counted apart from deletes)
 * @param coalesced changes superseded by a newer change of the same item in the batch
 * @param deadLettered records set aside in a dead-letter table
 * @param rerouted rows written only after moving attributes to {@code aux}
 * @param stale changes the ordering guard left alone: each the newest of its item in the batch, but
 *     older than the version the table already held for the item (in its row, or its tombstone);
 *     not counted as upserted, deleted or expired. A change superseded within the batch counts as
 *     coalesced instead; a change applied again (the same version) is not stale
 * @param skipped changes of DynamoDB tables not in the include list
 * @param duration how long applying took
 * @param oldestRecordAge the time since the oldest record of the batch reached the stream
 * @param failedFrom the sequence number of the first record not applied, if the batch failed
 * @param failure why the batch failed, if it did
 * @param tables the counts per target table
 */
public record BatchResult(
    int received,
    int upserted,
    int deleted,
    int expired,
    int coalesced,
    int deadLettered,
    int rerouted,
    int stale,
    int skipped,
    Duration duration,
    Duration oldestRecordAge,
    Optional<String> failedFrom,
    Optional<String> failure,
    List<TableCounts> tables) {

  public BatchResult {
    tables = List.copyOf(tables);
  }

  /**
   * What one target table got in a batch.
   *
   * @param table the target table, {@code schema.table}
   * @param received changes routed to it
   */
  public record TableCounts(
      String table,
      int received,
      int upserted,
      int deleted,
      int expired,
      int coalesced,
      int deadLettered,
      int rerouted,
      int stale) {}

  /** A batch of which the first {@code applied} records were applied before it failed. */
  public static BatchResult partial(int applied, Duration duration, Duration oldestRecordAge) {
    return new BatchResult(
        applied,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        duration,
        oldestRecordAge,
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /** A batch of which nothing was applied, failing from its first record. */
  public static BatchResult failed(List<io.cdcrelay.change.SourceRecord> records, String why) {
    return new BatchResult(
        records.size(),
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
        records.stream()
            .map(io.cdcrelay.change.SourceRecord::sequenceNumber)
            .min(io.cdcrelay.change.SequenceNumbers.ORDER),
        Optional.of(why),
        List.of());
  }

  /** Whether every record was applied or set aside. */
  public boolean succeeded() {
    return failedFrom.isEmpty();
  }
}
