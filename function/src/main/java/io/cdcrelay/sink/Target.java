package io.cdcrelay.sink;

import io.cdcrelay.change.DeadLetter;
import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.plan.ColumnTypes;
import io.cdcrelay.plan.KeySchema;
import io.cdcrelay.plan.PlannedRow;
import io.cdcrelay.route.DeleteMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the relay core writes: target tables, their rows and tombstones, dead letters, and the
 * relay's own state. Neutral to the protocol ({@link JdbcTarget} speaks JDBC); the core depends on
 * this interface only, so its failure paths are tested against an in-memory target.
 *
 * <p>Every method may throw {@link TargetUnavailableException} when the database cannot be reached
 * (the batch is retried) and {@link BadTargetException} when the configuration cannot work with
 * this database (retrying cannot help).
 */
public interface Target extends AutoCloseable {

  /**
   * A target table's entry in the state schema.
   *
   * @param sourceTable the DynamoDB table bound to it, or {@code null} if none was named
   * @param deletes the delete mode it is relayed with
   * @param purgedBefore changes created before this can no longer be ordered safely; {@code null}
   *     before the first purge
   */
  record Binding(String sourceTable, DeleteMode deletes, Instant purgedBefore) {}

  /** A row to delete unless it carries a newer version: its {@code pk} object and the version. */
  record Removal(String pkJson, String version) {}

  /**
   * The outcome of writing some rows: one entry per row, {@code null} where it was written.
   *
   * @param storedVersions where the write said so, the version each written row holds after it (by
   *     {@code pk} object as {@link KeySchema#toJson} writes it); empty when not known
   */
  record RowResults(List<String> errors, String batchError, Map<String, String> storedVersions) {
    /** Results with nothing known of the versions stored. */
    public RowResults(List<String> errors, String batchError) {
      this(errors, batchError, Map.of());
    }

    /** Every row failed with the batch: nothing is known of single rows. */
    public static RowResults wholeBatchFailed(int rows, String error) {
      return new RowResults(new ArrayList<>(Collections.nCopies(rows, error)), error);
    }

    /** Whether the batch failed as a whole, so that nothing is known of single rows. */
    public boolean batchFailed() {
      return batchError != null;
    }
  }

  /**
   * What a source shard has brought to a target table so far, as one batch adds to it: the last
   * record applied, the creation time of the newest change, when it was applied, and counts.
   *
   * @param source the stream's ARN (or another name of the source)
   * @param lastSequenceNumber the highest sequence number of the batch's records of the table
   * @param newestChangeAt the creation time of the batch's newest change of the table
   * @param appliedAt when the batch was applied
   * @param stale changes the ordering guard left alone: older than what the table already held
   */
  record Status(
      String source,
      String shardId,
      TableName table,
      String lastSequenceNumber,
      Instant newestChangeAt,
      Instant appliedAt,
      long received,
      long upserted,
      long deleted,
      long expired,
      long deadLettered,
      long rerouted,
      long stale) {

    /** How far the table lags behind the source: applied time less the newest change's time. */
    public java.time.Duration lag() {
      return java.time.Duration.between(newestChangeAt, appliedAt);
    }

    /**
     * The rows of several batches (or parts of one batch) as one row per source, shard and table,
     * in the order each first appears: the last record and the newest change of them all, the
     * latest time applied (the lag is the whole batch's), the counts added up.
     */
    public static List<Status> merge(List<Status> rows) {
      Map<List<Object>, Status> merged = new LinkedHashMap<>();
      for (Status row : rows) {
        merged.merge(List.of(row.source, row.shardId, row.table), row, Status::plus);
      }
      return new ArrayList<>(merged.values());
    }

    private Status plus(Status other) {
      return new Status(
          source,
          shardId,
          table,
          SequenceNumbers.ORDER.compare(other.lastSequenceNumber, lastSequenceNumber) > 0
              ? other.lastSequenceNumber
              : lastSequenceNumber,
          other.newestChangeAt.isAfter(newestChangeAt) ? other.newestChangeAt : newestChangeAt,
          other.appliedAt.isAfter(appliedAt) ? other.appliedAt : appliedAt,
          received + other.received,
          upserted + other.upserted,
          deleted + other.deleted,
          expired + other.expired,
          deadLettered + other.deadLettered,
          rerouted + other.rerouted,
          stale + other.stale);
    }
  }

  /**
   * A table of the given schema, or of the target's default schema for {@code null}.
   *
   * @throws IllegalArgumentException when the name cannot be a table name
   */
  TableName table(String schema, String table);

  /** Whether names are limited to what the database takes unquoted (CrateDB's rules). */
  boolean strictNames();

  /** The longest text value, in UTF-8 bytes, a column can index; beyond it goes to {@code aux}. */
  int maxTextBytes();

  /** Where the per-table bindings are kept, for messages that send the user there. */
  TableName bindings();

  /**
   * The table's entry in the state schema, created if absent (insert-if-absent: parallel writers
   * agree on the first).
   */
  Binding bind(TableName table, String sourceTable, DeleteMode deletes);

  /**
   * Creates the table (and its dead-letter table) when missing; returns its key schema, the
   * existing table's when it has one, else {@code proposed}.
   */
  KeySchema prepare(TableName table, KeySchema proposed, boolean expiry, DeleteMode deletes);

  /** What is known of the table's column types; {@code null} where the target has no drift. */
  ColumnTypes columnTypes(TableName table);

  /**
   * Reads the table's column types again: after a write failed on a type the database fixed, or
   * created columns (whose types another writer may have fixed first).
   */
  void refreshColumnTypes(TableName table);

  /** Upserts all rows in one bulk request. */
  RowResults upsert(TableName table, List<PlannedRow> rows);

  /** Upserts the rows one by one, to learn which of them fail and why. */
  RowResults upsertEach(TableName table, List<PlannedRow> rows);

  /**
   * Stores the removals' tombstones (keeping the newer of an existing one's version and theirs).
   */
  void tombstone(TableName table, List<Removal> removals);

  /**
   * The stored tombstone versions of the given keys ({@code pk} objects) of the table: every one
   * stored before the call, read after the rows were written. None, without a lookup of the keys,
   * while the table has never had a tombstone.
   */
  Map<String, String> tombstoneVersions(TableName table, Collection<String> pkJsons);

  /**
   * The versions stored in the rows of the given keys ({@code pk} objects) of the table, by key;
   * keys without a row are absent. A key lookup: it sees the rows written a moment ago.
   */
  Map<String, String> rowVersions(TableName table, Collection<String> pkJsons);

  /** Deletes each removal's row unless it carries a newer version; returns how many went. */
  int removeIfNotNewer(TableName table, List<Removal> removals);

  /** Moves rows flagged deleted by the previous release into tombstones; returns how many. */
  int migrateTombstoneRows(TableName table);

  /** Moves the table's purge horizon forward; changes created before it are refused from now on. */
  void advancePurgeHorizon(TableName table, Instant horizon);

  /** Removes the table's tombstones of changes created before the horizon; returns how many. */
  int purgeTombstones(TableName table, Instant horizon);

  /** Stores dead letters of the table, or of no table ({@code null}) in the state schema. */
  void deadLetter(TableName table, List<DeadLetter> letters);

  /**
   * Adds one batch's status rows to the status table: the position and times replace the stored
   * ones, the counts add up.
   */
  void recordStatus(List<Status> rows);

  /** Forgets connections after a failure; the next call opens new ones and checks them. */
  void reset();

  @Override
  void close();
}
