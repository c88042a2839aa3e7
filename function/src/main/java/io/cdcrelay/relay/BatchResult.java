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
 * @param targetUnreachable whether the batch failed because the target database could not be
 *     reached (no connection, or the connection lost), rather than on an error it answered with
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
    List<TableCounts> tables,
    boolean targetUnreachable) {

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
        List.of(),
        false);
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
        List.of(),
        false);
  }

  /**
   * One result of the parts of a batch, applied apart: the counts added up (per table too), the
   * oldest record's age the largest, and, when parts failed, the first record not applied of all of
   * them, with that part's reason.
   *
   * @param received records in the whole batch (parts not started count too)
   * @param duration how long applying the whole batch took
   */
  public static BatchResult merge(List<BatchResult> parts, int received, Duration duration) {
    int upserted = 0;
    int deleted = 0;
    int expired = 0;
    int coalesced = 0;
    int deadLettered = 0;
    int rerouted = 0;
    int stale = 0;
    int skipped = 0;
    Duration oldest = Duration.ZERO;
    BatchResult firstFailed = null;
    java.util.Map<String, TableCounts> tables = new java.util.LinkedHashMap<>();
    for (BatchResult part : parts) {
      upserted += part.upserted;
      deleted += part.deleted;
      expired += part.expired;
      coalesced += part.coalesced;
      deadLettered += part.deadLettered;
      rerouted += part.rerouted;
      stale += part.stale;
      skipped += part.skipped;
      oldest = part.oldestRecordAge.compareTo(oldest) > 0 ? part.oldestRecordAge : oldest;
      if (part.failedFrom.isPresent()
          && (firstFailed == null
              || io.cdcrelay.change.SequenceNumbers.ORDER.compare(
                      part.failedFrom.get(), firstFailed.failedFrom.get())
                  < 0)) {
        firstFailed = part;
      }
      for (TableCounts t : part.tables) {
        tables.merge(t.table(), t, BatchResult::sum);
      }
    }
    return new BatchResult(
        received,
        upserted,
        deleted,
        expired,
        coalesced,
        deadLettered,
        rerouted,
        stale,
        skipped,
        duration,
        oldest,
        firstFailed == null ? Optional.empty() : firstFailed.failedFrom,
        firstFailed == null ? Optional.empty() : firstFailed.failure,
        List.copyOf(tables.values()),
        firstFailed != null && firstFailed.targetUnreachable);
  }

  private static TableCounts sum(TableCounts a, TableCounts b) {
    return new TableCounts(
        a.table(),
        a.received() + b.received(),
        a.upserted() + b.upserted(),
        a.deleted() + b.deleted(),
        a.expired() + b.expired(),
        a.coalesced() + b.coalesced(),
        a.deadLettered() + b.deadLettered(),
        a.rerouted() + b.rerouted(),
        a.stale() + b.stale());
  }

  /** Whether every record was applied or set aside. */
  public boolean succeeded() {
    return failedFrom.isEmpty();
  }
}
